"""The legal clock of applications: the deadlines the services set, and the clock they register.

Services call the ``clock_*`` functions inside their transaction when a transition affects
a deadline; the arithmetic is the core's (``portal.clock.deadlines``). Four deadlines are
stored: the intake deadline (Art. 32), the promised and the statutory decision deadlines
(Art. 42), and ``current_due_at``, the one the applicant's case is held to right now
(intake while submitted, the promised decision deadline after acceptance, none while the
clock is paused or stopped). The sweep reads ``current_due_at`` and ``due_level`` only.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import roles
from portal.clock import deadlines, sweep
from portal.clock.levels import Level
from portal.clock.registry import Clock, Notice
from portal.clock.roster import Roster
from portal.models import User

from .models import Application, ClockPause, State

NAME = "applications"


def _today(now: datetime | None = None):
    return timezone.localdate(now or timezone.now())


def _set_level(application: Application, now: datetime | None = None) -> None:
    sweep.set_level(NAME, application, now)


def clock_on_submit(application: Application, now: datetime) -> None:
    """Start the intake clock (Art. 32)."""
    due = deadlines.end_of_day(deadlines.intake_deadline(_today(now)))
    application.intake_due_at = application.current_due_at = due
    _set_level(application, now)


def clock_pause(application: Application, *, kind: str, reason: str, actor: User, expected_days: int = 1) -> ClockPause:
    """Stop the clock (correction notice or Art. 45 suspension)."""
    application.current_due_at = None
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
        for name in ("intake_due_at", "promised_due_at", "statutory_due_at"):
            due = getattr(application, name)
            if due is not None:
                moved = deadlines.shifted(deadlines.day_of(due), paused, resumed)
                setattr(application, name, deadlines.end_of_day(moved))
        ClockPause.objects.filter(pk=pause.pk).update(ended_at=now, ended_by=actor)
    application.current_due_at = (
        application.intake_due_at if application.state == State.SUBMITTED else application.promised_due_at
    )
    _set_level(application, now)


def clock_on_accept(application: Application, now: datetime) -> None:
    """Start the decision clock from the acceptance date (Art. 42)."""
    promised, statutory = deadlines.decision_deadlines(
        deadlines.day_of(application.accepted_at),
        promised_days=application.item.promised_days,
        statutory_days=application.item.statutory_days,
    )
    application.promised_due_at = application.current_due_at = deadlines.end_of_day(promised)
    application.statutory_due_at = deadlines.end_of_day(statutory)
    _set_level(application, now)


def clock_on_extend(application: Application, days: int, now: datetime) -> None:
    """Move the decision deadlines by the extension (Art. 42)."""
    for name in ("promised_due_at", "statutory_due_at"):
        due = getattr(application, name)
        setattr(application, name, deadlines.end_of_day(deadlines.extended(deadlines.day_of(due), days)))
    application.current_due_at = application.promised_due_at
    _set_level(application, now)


def clock_stop(application: Application) -> None:
    """Stop the clock for good (decision, rejection, withdrawal)."""
    application.current_due_at = None


def raise_alert_if_due(application: Application) -> bool:
    """After a transition set the level, alert at once if it is already warning or overdue."""
    return sweep.alert_if_due(NAME, application)


def working_days_left(application: Application, now: datetime | None = None) -> int | None:
    """Return the working days left to the current deadline (negative when overdue)."""
    if application.current_due_at is None:
        return None
    return deadlines.working_days_left(deadlines.day_of(application.current_due_at), _today(now))


# --- the clock registered with the core --------------------------------------------------


def recipients(application: Application, level: str, roster: Roster) -> list[User]:
    """Return who is alerted at either level: the clerks at intake, else the handler and the department's
    reviewers; the supervisors always."""
    supervisors = roster.with_role(roles.SUPERVISOR)
    if application.state == State.SUBMITTED:
        team = roster.with_role(roles.CLERK)
    else:
        team = roster.with_role(roles.REVIEWER, department_id=application.department_id)
        if application.handler_id and all(u.pk != application.handler_id for u in team):
            team.append(application.handler)
    unique = {u.pk: u for u in team + supervisors}
    return list(unique.values())


def notice(application: Application, level: str) -> Notice:
    """Return what the alert of an application at this level says."""
    subject = {"reference": application.reference, "item": application.item.name}
    if level == Level.OVERDUE:
        title = _("Overdue: %(reference)s %(item)s") % subject
    else:
        title = _("Due soon: %(reference)s %(item)s") % subject
    body = _("Deadline: %(date)s (%(state)s).") % {
        "date": deadlines.day_of(application.current_due_at).isoformat(),
        "state": application.get_state_display(),
    }
    return Notice(title=title, body=body, link=reverse("admin:approvals_application_change", args=[application.pk]))


def applications_clock(*, on_passed) -> Clock:
    """Return the applications' clock; `on_passed` accepts a late intake by law (Art. 32)."""
    return Clock(
        name=NAME,
        model=Application,
        open=Application.objects.all,
        recipients=recipients,
        notice=notice,
        kind="sla",
        due_field="current_due_at",
        level_field="due_level",
        select_related=("item", "handler"),
        on_passed=on_passed,
        passed_filter=Q(state=State.SUBMITTED),
        department_field="department",
    )
