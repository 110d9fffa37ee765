"""The legal clock's arithmetic: pure functions over the working-day calendar (calendar.py).

Administrative Licensing Law: intake within 5 working days of receipt (Art. 32); a
decision within the statutory limit of acceptance, extendable once (Art. 42); hearings,
testing, inspection, appraisal and expert review do not count (Art. 45); certificates
within 10 working days of approval (Art. 44). The day an event happens is not counted,
and a deadline ends at the end of its working day in the portal's time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

from . import calendar as calendars
from .levels import Level

INTAKE_WORKING_DAYS = 5
CERTIFICATE_WORKING_DAYS = 10


def _calendar(calendar):
    return calendar or calendars.get_calendar()


def end_of_day(day: date) -> datetime:
    """Return the last instant of a day in the portal's time zone: when a deadline on it ends."""
    return datetime.combine(day, time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))


def day_of(moment: datetime) -> date:
    """Return the local calendar day of an instant."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def intake_deadline(received: date, *, calendar=None) -> date:
    """Return the last day to accept, reject or ask for corrections (Art. 32)."""
    return _calendar(calendar).add_working_days(received, INTAKE_WORKING_DAYS)


def decision_deadlines(accepted: date, *, promised_days: int, statutory_days: int, calendar=None) -> tuple[date, date]:
    """Return the promised and the statutory decision deadlines after acceptance."""
    cal = _calendar(calendar)
    return cal.add_working_days(accepted, promised_days), cal.add_working_days(accepted, statutory_days)


def extended(deadline: date, days: int, *, calendar=None) -> date:
    """Return a deadline moved by an extension of `days` working days (Art. 42)."""
    return _calendar(calendar).add_working_days(deadline, days)


def shifted(deadline: date, paused: date, resumed: date, *, calendar=None) -> date:
    """Return a deadline moved by the working days the clock stood still (Art. 45)."""
    cal = _calendar(calendar)
    return cal.add_working_days(deadline, max(0, cal.working_days_between(paused, resumed)))


def certificate_deadline(approved: date, *, calendar=None) -> date:
    """Return the last day to issue and deliver the certificate (Art. 44)."""
    return _calendar(calendar).add_working_days(approved, CERTIFICATE_WORKING_DAYS)


def working_days_left(deadline: date, today: date, *, calendar=None) -> int:
    """Return the working days from today to the deadline; negative when it has passed."""
    return _calendar(calendar).working_days_between(today, deadline)


def warning_threshold(today: date, warning_days: int, *, calendar=None) -> date:
    """Return the last deadline day that is in the warning band today."""
    return _calendar(calendar).add_working_days(today, warning_days)


def level(deadline: date | None, today: date, *, warning_days: int, calendar=None) -> str:
    """Return normal, warning (at most `warning_days` working days left) or overdue (passed)."""
    if deadline is None:
        return Level.NORMAL
    if today > deadline:
        return Level.OVERDUE
    if deadline <= warning_threshold(today, warning_days, calendar=calendar):
        return Level.WARNING
    return Level.NORMAL
