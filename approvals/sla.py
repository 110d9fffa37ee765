"""The legal clock on applications: deadlines set by the services, levels raised by the sweep.

Services call the ``clock_*`` functions inside their transaction when a transition
affects a deadline. ``sla_sweep`` (Celery beat every few minutes, or ``manage.py
sla_sweep``) finds with range queries on indexed fields the applications whose level
must change, and handles each in its own transaction: a sweep that dies half-way loses
nothing, and the unique SlaAlert makes a second sweep (or a redelivered task) alert
nobody twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import roles
from portal.errors import ActionRefused
from portal.models import User
from portal.services import notification_send

from . import deadlines
from .models import Application, ClockPause, SlaAlert, SlaLevel, State

logger = logging.getLogger(__name__)

SWEEP_BATCH = 1000


def _today(now: datetime | None = None):
    return timezone.localdate(now or timezone.now())


def _set_level(application: Application, now: datetime | None = None) -> None:
    due = application.sla_due_at
    application.sla_level = deadlines.level(
        deadlines.day_of(due) if due else None, _today(now), warning_days=settings.SLA_WARNING_WORKING_DAYS
    )


def clock_on_submit(application: Application, now: datetime) -> None:
    """Start the intake clock (Art. 32)."""
    due = deadlines.end_of_day(deadlines.intake_deadline(_today(now)))
    application.intake_due_at = application.sla_due_at = due
    _set_level(application, now)


def clock_pause(application: Application, *, kind: str, reason: str, actor: User, expected_days: int = 1) -> ClockPause:
    """Stop the clock (correction notice or Art. 45 suspension)."""
    application.sla_due_at = None
    return ClockPause.objects.create(
        application=application,
        kind=kind,
        reason=reason,
        expected_days=expected_days,
        started_at=timezone.now(),
        started_by=actor,
    )


def clock_resume(application: Application, *, actor: User | None, now: datetime) -> None:
    """Restart the clock: every running deadline moves by the working days it stood still."""
    pause = application.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
    if pause is not None:
        paused, resumed = deadlines.day_of(pause.started_at), _today(now)
        for name in ("intake_due_at", "due_at", "statutory_due_at"):
            due = getattr(application, name)
            if due is not None:
                moved = deadlines.shifted(deadlines.day_of(due), paused, resumed)
                setattr(application, name, deadlines.end_of_day(moved))
        ClockPause.objects.filter(pk=pause.pk).update(ended_at=now, ended_by=actor)
    application.sla_due_at = application.intake_due_at if application.state == State.SUBMITTED else application.due_at
    _set_level(application, now)


def clock_on_accept(application: Application, now: datetime) -> None:
    """Start the decision clock from the acceptance date (Art. 42)."""
    promised, statutory = deadlines.decision_deadlines(
        deadlines.day_of(application.accepted_at),
        promised_days=application.item.promised_days,
        statutory_days=application.item.statutory_days,
    )
    application.due_at = application.sla_due_at = deadlines.end_of_day(promised)
    application.statutory_due_at = deadlines.end_of_day(statutory)
    _set_level(application, now)


def clock_on_extend(application: Application, days: int, now: datetime) -> None:
    """Move the decision deadlines by the extension (Art. 42)."""
    for name in ("due_at", "statutory_due_at"):
        due = getattr(application, name)
        setattr(application, name, deadlines.end_of_day(deadlines.extended(deadlines.day_of(due), days)))
    application.sla_due_at = application.due_at
    _set_level(application, now)


def clock_stop(application: Application) -> None:
    """Stop the clock for good (decision, rejection, withdrawal)."""
    application.sla_due_at = None


def working_days_left(application: Application, now: datetime | None = None) -> int | None:
    """Return the working days left to the current deadline (negative when overdue)."""
    if application.sla_due_at is None:
        return None
    return deadlines.working_days_left(deadlines.day_of(application.sla_due_at), _today(now))


# --- alerts --------------------------------------------------------------------------------


def _recipients(application: Application) -> list[User]:
    """Return who is alerted: the clerks at intake, else the handler and the department's reviewers;
    the supervisors always."""
    users = User.objects.filter(is_active=True)
    supervisors = list(users.filter(groups__name=roles.SUPERVISOR))
    if application.state == State.SUBMITTED:
        team = list(users.filter(groups__name=roles.CLERK))
    else:
        team = list(users.filter(groups__name=roles.REVIEWER, department_id=application.department_id))
        if application.handler_id and all(u.pk != application.handler_id for u in team):
            team.append(application.handler)
    unique = {u.pk: u for u in team + supervisors}
    return list(unique.values())


def _alert(application: Application, level: str) -> bool:
    """Record the alert for this level and notify, once; return whether it was new."""
    try:
        with transaction.atomic():
            SlaAlert.objects.create(application=application, level=level, deadline=application.sla_due_at)
    except IntegrityError:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        if level == SlaLevel.OVERDUE:
            title = _("Overdue: %(reference)s %(item)s") % {
                "reference": application.reference,
                "item": application.item.name,
            }
        else:
            title = _("Due soon: %(reference)s %(item)s") % {
                "reference": application.reference,
                "item": application.item.name,
            }
        body = _("Deadline: %(date)s (%(state)s).") % {
            "date": deadlines.day_of(application.sla_due_at).isoformat(),
            "state": application.get_state_display(),
        }
    link = f"/admin/approvals/application/{application.pk}/change/"
    for user in _recipients(application):
        notification_send(user=user, kind=f"sla_{level}", title=title, body=body, link=link)
    return True


def escalate(application_id: int, level: str, *, now: datetime | None = None) -> bool:
    """Raise one application to `level` if its deadline still says so; alert once. Own transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("item", "handler")
            .filter(pk=application_id)
            .first()
        )
        if application is None or application.sla_due_at is None:
            return False
        _set_level(application, now)
        order = [SlaLevel.NORMAL, SlaLevel.WARNING, SlaLevel.OVERDUE]
        if order.index(application.sla_level) < order.index(level):
            return False  # the deadline moved (extension, resume) since the query
        Application.objects.filter(pk=application.pk).update(sla_level=application.sla_level)
        return _alert(application, application.sla_level)


def raise_alert_if_due(application: Application) -> None:
    """After a transition set the level, alert at once if it is already warning or overdue."""
    if application.sla_level != SlaLevel.NORMAL and application.sla_due_at is not None:
        _alert(application, application.sla_level)


@dataclass
class SweepResult:
    auto_accepted: list[str] = field(default_factory=list)
    overdue: int = 0
    warning: int = 0
    other: dict = field(default_factory=dict)

    def __str__(self):
        text = f"{len(self.auto_accepted)} accepted automatically, {self.overdue} overdue, {self.warning} due soon"
        return text + "".join(f"; {name}: {value}" for name, value in self.other.items())


# Other deadlines swept with the applications' (e.g. licenses registers the print jobs, Art. 44):
# name -> function(now) returning a short summary.
EXTRA_SWEEPS: dict = {}


def register_sweep(name: str, sweep) -> None:
    """Add a sweep run after the applications' one; approvals may not import the apps that register."""
    EXTRA_SWEEPS[name] = sweep


def sla_sweep(*, now: datetime | None = None) -> SweepResult:
    """Accept late intakes by law, and raise the time-limit level of applications whose deadline says so."""
    from .services import application_auto_accept

    now = now or timezone.now()
    result = SweepResult()
    late = Application.objects.filter(state=State.SUBMITTED, intake_due_at__lt=now)
    for pk in late.order_by().values_list("pk", flat=True)[:SWEEP_BATCH]:
        try:
            result.auto_accepted.append(application_auto_accept(application_id=pk).reference)
        except ActionRefused:
            continue  # a clerk acted a moment ago
    active = Application.objects.exclude(state=State.SUBMITTED)
    overdue = active.filter(sla_level__in=[SlaLevel.NORMAL, SlaLevel.WARNING], sla_due_at__lt=now)
    for pk in overdue.order_by().values_list("pk", flat=True)[:SWEEP_BATCH]:
        result.overdue += escalate(pk, SlaLevel.OVERDUE, now=now)
    threshold = deadlines.end_of_day(deadlines.warning_threshold(_today(now), settings.SLA_WARNING_WORKING_DAYS))
    soon = Application.objects.filter(sla_level=SlaLevel.NORMAL, sla_due_at__gte=now, sla_due_at__lte=threshold)
    for pk in soon.order_by().values_list("pk", flat=True)[:SWEEP_BATCH]:
        result.warning += escalate(pk, SlaLevel.WARNING, now=now)
    for name, sweep in EXTRA_SWEEPS.items():
        result.other[name] = sweep(now)
    if result.auto_accepted or result.overdue or result.warning:
        logger.info("SLA sweep: %s", result)
    return result


def calendar_coverage_check(*, days: int = 60) -> list:
    """Alert supervisors and administrators (once a day) if the calendar lacks data for the coming days."""
    from datetime import timedelta

    from portal import workdays
    from portal.models import Notification

    today = timezone.localdate()
    missing = workdays.missing_dates(today, today + timedelta(days=days))
    if not missing:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        title = _("The working-day calendar has no official data from %(date)s") % {"date": missing[0].isoformat()}
        body = _(
            "Deadlines after that date count Monday to Friday as working days. Enter the State Council's holiday "
            "schedule in the admin (calendar days) or run manage.py load_calendar after updating chinesecalendar."
        )
    users = User.objects.filter(is_active=True, groups__name__in=[roles.SUPERVISOR, roles.ADMINISTRATOR]).distinct()
    start_of_day = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    for user in users:
        already = Notification.objects.filter(user=user, kind="calendar_incomplete", created_at__gte=start_of_day)
        if not already.exists():
            notification_send(
                user=user, kind="calendar_incomplete", title=title, body=body, link="/admin/portal/calendarday/"
            )
    logger.warning("Working-day calendar: %d of the next %d days have no official data", len(missing), days)
    return missing
