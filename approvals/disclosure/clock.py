"""The publication clock: a decision is published within DISCLOSURE_WORKING_DAYS working days (7), registered
with the core clock.

Publication normally happens at once, in the decision's transaction; the clock runs only on a
record still pending (its holder data incomplete, or a publication that failed and waits for the
retry). It raises no "due soon" alert: a pending record is already an exception, so the one alert
is the overdue one, to the supervisors, once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import roles
from portal.clock import calendar as calendars
from portal.clock import deadlines, sweep
from portal.clock.levels import Level
from portal.clock.registry import Clock, Notice
from portal.clock.roster import Roster
from portal.models import User

from .models import PublishedDecision

NAME = "disclosure"


def publish_due(decided_at: datetime) -> datetime:
    """Return when a decision taken at `decided_at` must be public: the end of its 7th working day after."""
    day = calendars.get_calendar().add_working_days(deadlines.day_of(decided_at), settings.DISCLOSURE_WORKING_DAYS)
    return deadlines.end_of_day(day)


def clock_start(record: PublishedDecision, *, now: datetime) -> None:
    """Run the clock of a record that is still pending (not saved)."""
    record.current_due_at = record.publish_due_at
    sweep.set_level(NAME, record, now)


def clock_stop(record: PublishedDecision) -> None:
    """Stop the clock: the record is published or withheld (not saved)."""
    record.current_due_at = None
    record.due_level = Level.NORMAL


def raise_alert_if_due(record: PublishedDecision) -> bool:
    """Alert at once when a pending record is already past its deadline (e.g. a decision recorded late)."""
    return sweep.alert_if_due(NAME, record)


def _no_warning(now: datetime) -> datetime:
    # Nothing is ever "due soon": the latest deadline in the warning band is before now.
    return now - timedelta(microseconds=1)


def recipients(record: PublishedDecision, level: str, roster: Roster) -> list[User]:
    """Return who is alerted: the supervisors."""
    return roster.with_role(roles.SUPERVISOR)


def notice(record: PublishedDecision, level: str) -> Notice:
    """Return what the overdue alert of a record says."""
    title = _("Publication overdue: %(decision)s of %(day)s, %(department)s") % {
        "decision": record.get_decision_display(),
        "day": deadlines.day_of(record.decided_at).isoformat(),
        "department": record.department.name,
    }
    body = _("To be published by %(date)s. %(problem)s") % {
        "date": deadlines.day_of(record.publish_due_at).isoformat(),
        "problem": record.problem,
    }
    return Notice(
        title=title, body=body.strip(), link=reverse("admin:approvals_publisheddecision_change", args=[record.pk])
    )


def publication_clock() -> Clock:
    """Return the clock of publications still pending."""
    return Clock(
        name=NAME,
        model=PublishedDecision,
        open=lambda: PublishedDecision.objects.filter(state=PublishedDecision.State.PENDING),
        recipients=recipients,
        notice=notice,
        kind="disclosure",
        due_field="current_due_at",
        level_field="due_level",
        department_field="department",
        select_related=("department",),
        warning_horizon=_no_warning,
    )
