"""The city's last six months: a few hundred demo applications already concluded, for ``manage.py seed_demo``.

Demo data only, made like ``demo_work``'s (the same ``_Maker``: start, fill in, upload, submit,
then the window clerk and the department's reviewer act through the services) and then moved
into the past the same way, through ``QuerySet.update``. The services evaluation (ratings) and
the statistics need services that ended: here they are, spread over the departments and the
months, mostly approved (some denied, rejected at intake, or withdrawn after acceptance), most
decided well within the promised time limit and a few after it (never after the statutory one).

Only items that produce no certificate are used: an old approval of a certificate item would
put its certificate in today's print queue, overdue. Every department with such items gets a
demo reviewer (``history_reviewer_<code>``, no password: nobody logs in as them) unless it has
one of the demo accounts; they are the names on the timelines.

Deterministic (a fixed seed, working days counted back from today). Once the history's
reviewers exist the loader adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal import roles
from portal.clock import calendar, deadlines
from portal.clock.levels import Level
from portal.models import Department, Notification, User

from . import demo_work, services
from .demo_work import GIVEN, PREFIX, REVIEWERS, SURNAMES, _at, _items, _Maker
from .models import Application

SEED = 2027
HISTORY_REVIEWER = "history_reviewer_"
# How many applications end each way.
ENDINGS = [("approved", 262), ("denied", 14), ("rejected", 14), ("withdrawn", 10)]
# The decisions fall on the working days from yesterday back to about six months ago.
OLDEST = 122
# The demo citizen and enterprise have a few concluded applications each (they rate some of them).
OWN = {"zhangsan": 5, "huaxia": 4}
# Share of decisions taken after the promised limit (still within the statutory one).
LATE = 0.05


@dataclass
class Past:
    """One concluded application and its days, in working days before today."""

    ending: str
    application: Application
    received: int
    accepted: int | None
    concluded: int


class _Days:
    """The working days before today, counted once."""

    def __init__(self, today: date):
        self.today = today
        self.days = [today]

    def ago(self, n: int) -> date:
        day = self.days[-1]
        while len(self.days) <= n:
            day -= timedelta(days=1)
            if calendar.is_workday(day):
                self.days.append(day)
        return self.days[n]


def _reviewers(rng: random.Random, codes: set[str]) -> dict[str, User]:
    """Return a reviewer for each department: the demo account where there is one, else a history reviewer."""
    group = Group.objects.get(name=roles.REVIEWER)
    found = {code: User.objects.get(username=name) for code, name in REVIEWERS.items()}
    departments = {department.code: department for department in Department.objects.filter(code__in=codes)}
    for n, code in enumerate(sorted(codes - set(found)), start=1):
        user = User(
            username=f"{HISTORY_REVIEWER}{code}",
            kind=User.Kind.STAFF,
            is_staff=True,
            department=departments[code],
            real_name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
            staff_number=f"LS{n:04d}",
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
        user.groups.set([group])
        found[code] = user
    return found


def _ages(rng: random.Random, ending: str, item) -> tuple[int, int | None, int]:
    """Return (received, accepted, concluded) in working days ago."""
    concluded = rng.randint(1, OLDEST)
    if ending == "rejected":
        return concluded, None, concluded
    if ending == "withdrawn":
        accepted = concluded + rng.randint(0, 3)
        return accepted + rng.randint(0, 1), accepted, concluded
    if rng.random() < LATE:
        took = min(item.promised_days + rng.randint(1, 3), item.statutory_days)
    else:
        # Most are decided well within the promise: within about two thirds of it.
        took = rng.randint(0, max(1, item.promised_days * 2 // 3))
    accepted = concluded + took
    return accepted + rng.randint(0, 2), accepted, concluded


def _tell(maker: _Maker, reviewers: dict[str, User], past: Past) -> None:
    application, pk = past.application, past.application.pk
    services.application_submit(application_id=pk, actor=application.applicant)
    if past.ending == "rejected":
        services.application_reject(
            application_id=pk, actor=maker.clerk, reason="申请事项不属于本部门职权范围，请向区级部门申请。"
        )
        return
    services.application_accept(application_id=pk, actor=maker.clerk)
    if past.ending == "withdrawn":
        services.application_withdraw(application_id=pk, actor=application.applicant, reason="项目计划调整，暂不办理")
        return
    reviewer = reviewers[application.item.department.code]
    services.application_claim(application_id=pk, actor=reviewer)
    if past.ending == "approved":
        services.application_approve(application_id=pk, actor=reviewer)
    else:
        services.application_deny(
            application_id=pk, actor=reviewer, reason="经审查，申请材料不符合法定条件，不予许可。"
        )


def _times(past: Past, days: _Days, rng: random.Random) -> tuple[dict, dict[str, datetime]]:
    """Return the application's fields moved into its past, and when each transition happened."""
    application = past.application
    received = days.ago(past.received)
    submitted_at = _at(received, 9, rng.randint(0, 50))
    fields: dict = {
        "created_at": submitted_at - timedelta(hours=1),
        "submitted_at": submitted_at,
        "intake_due_at": deadlines.end_of_day(deadlines.intake_deadline(received)),
        "current_due_at": None,
        "due_level": Level.NORMAL,
    }
    when = {"submit": submitted_at}
    if past.accepted is None:
        fields["decided_at"] = when["reject"] = submitted_at + timedelta(hours=3)
        return fields, when
    accepted = days.ago(past.accepted)
    accepted_at = max(_at(accepted, 10, 30), submitted_at + timedelta(hours=1))
    item = application.item
    promised, statutory = deadlines.decision_deadlines(
        accepted, promised_days=item.promised_days, statutory_days=item.statutory_days
    )
    fields.update(
        accepted_at=accepted_at,
        promised_due_at=deadlines.end_of_day(promised),
        statutory_due_at=deadlines.end_of_day(statutory),
    )
    when.update(accept=accepted_at, claim=accepted_at + timedelta(hours=1))
    concluded_at = max(_at(days.ago(past.concluded), rng.randint(14, 16), rng.randint(0, 59)), accepted_at)
    concluded_at += timedelta(hours=2)
    if past.ending == "withdrawn":
        fields["withdrawn_at"] = when["withdraw"] = concluded_at
    else:
        fields["decided_at"] = when["approve"] = when["deny"] = concluded_at
    return fields, when


def _backdate(pasts: list[Past], today: date, rng: random.Random) -> None:
    """Move every application's stored times into its past (demo data only, see the module's docstring)."""
    days = _Days(today)
    logs = demo_work.state_logs([p.application for p in pasts])
    for past in pasts:
        application = past.application
        application.refresh_from_db()
        fields, when = _times(past, days, rng)
        demo_work.move_into_past(application, fields, when, logs)
        # What the applicant was told then, read long ago.
        ended = fields.get("decided_at") or fields.get("withdrawn_at")
        Notification.objects.filter(user_id=application.applicant_id, title__contains=application.reference).update(
            created_at=ended, read_at=ended, email_sent_at=ended
        )


@transaction.atomic
def load_demo_history(*, stdout=None) -> int:
    """Create the concluded applications of the last six months once; return how many were created now."""
    if User.objects.filter(username__startswith=HISTORY_REVIEWER).exists():
        return 0
    if not Application.objects.filter(applicant__username__startswith=PREFIX).exists():
        return 0  # the city at work (demo_work) comes first: its applicants apply here too
    applicants = list(
        User.objects.filter(
            Q(username__startswith=f"{PREFIX}citizen") | Q(username__startswith=f"{PREFIX}enterprise")
        ).order_by("username")
    )
    rng = random.Random(SEED)  # noqa: S311 - demo data, the same on every machine
    today = timezone.localdate()
    items = _items(certified=False)
    reviewers = _reviewers(rng, {item.department.code for item in items})
    own = [user for user in User.objects.filter(username__in=OWN) for _ in range(OWN[user.username])]
    maker = _Maker(rng, today)
    pasts = []
    for ending, count in ENDINGS:
        for _ in range(count):
            item = rng.choice(items)
            applicant = own.pop() if own and rng.random() < 0.2 else rng.choice(applicants)
            application = maker.draft(item, applicant)
            pasts.append(Past(ending, application, *_ages(rng, ending, item)))
    for past in pasts:
        _tell(maker, reviewers, past)
    _backdate(pasts, today, rng)
    if stdout is not None:
        stdout.write(f"History: {len(pasts)} applications concluded over the last six months.")
    return len(pasts)
