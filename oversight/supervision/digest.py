"""The supervisors' daily digest: every overdue case of every clock in one notification, instead of one per alert.

The core's sweep still records each alert (``ClockAlert``) and tells everyone else a clock names at
once; it leaves the supervisors out (``portal.clock.roster.DIGEST_ROLES``). Once a day the beat task
sends each active supervisor one notification with the overdue counts per clock and department and
the worst cases (the oldest deadlines), each with its link. At most one digest per supervisor and
local day: the service locks the supervisor's row and looks for today's digest before writing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import roles
from portal.clock.levels import Level
from portal.models import Notification, User
from portal.services import notification_send

from . import selectors

KIND = "supervision_digest"
WORST = 10


@dataclass
class WorstCase:
    lane: str
    label: str
    due: datetime
    url: str


@dataclass
class Digest:
    rows: list[selectors.DeadlineRow]
    worst: list[WorstCase]

    @property
    def total(self) -> int:
        return sum(row.overdue for row in self.rows)


def overdue_digest() -> Digest:
    """Return what is overdue now: counts per clock and department, and the worst cases of all clocks."""
    rows = selectors.deadline_table(levels=[Level.OVERDUE])
    worst = []
    for lane in selectors.lanes():
        names = [name for name, _label in lane.columns]
        due = lane.clock.due_field
        for row in (
            lane.flagged(selectors.Period(), [Level.OVERDUE]).order_by(due, "pk").values("pk", due, *names)[:WORST]
        ):
            model = lane.clock.model
            label = " ".join(str(row[name]) for name in names) or f"{model._meta.verbose_name} #{row['pk']}"
            url = selectors.change_url(model, row["pk"])
            worst.append(WorstCase(lane=lane.label, label=label, due=row[due], url=url))
    worst.sort(key=lambda case: case.due)
    return Digest(rows=rows, worst=worst[:WORST])


def _text(digest: Digest, today) -> tuple[str, str]:
    title = _("Supervision digest %(day)s: %(count)d overdue") % {"day": today.isoformat(), "count": digest.total}
    lines = [_("Overdue cases by time limit and department:")]
    for row in digest.rows:
        lines.append(f"- {row.lane.label} · {row.department}: {row.overdue}")
    lines += ["", _("The longest overdue:")]
    for case in digest.worst:
        due = timezone.localtime(case.due).strftime("%Y-%m-%d")
        link = f"{settings.PORTAL_BASE_URL}{case.url}" if case.url else ""
        lines.append(f"- {case.lane}: {case.label} ({_('due %(day)s') % {'day': due}}) {link}".rstrip())
    return title, "\n".join(lines)


def supervision_digest_send(*, supervisor_id: int, now: datetime | None = None) -> Notification | None:
    """Send one supervisor today's digest unless it was sent already or nothing is overdue; return it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = datetime.combine(today, time.min, timezone.get_current_timezone())
    digest = overdue_digest()
    with transaction.atomic():
        supervisor = User.objects.select_for_update().filter(pk=supervisor_id, is_active=True).first()
        if supervisor is None or not digest.total:
            return None
        if Notification.objects.filter(user=supervisor, kind=KIND, created_at__gte=since).exists():
            return None  # sent already today (a second run, or a redelivered task)
        with translation.override(settings.LANGUAGE_CODE):  # staff read alerts in the official language
            title, body = _text(digest, today)
        return notification_send(
            user=supervisor, kind=KIND, title=title, body=body, link=reverse("oversight:supervision")
        )


def supervisors() -> list[int]:
    """Return the ids of the active supervisors."""
    return list(
        User.objects.filter(is_active=True, groups__name=roles.SUPERVISOR).distinct().values_list("pk", flat=True)
    )
