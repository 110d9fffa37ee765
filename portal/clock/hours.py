"""Working hours: limits the hall counts in hours ("forward within 3 working hours").

The hall's hours on a working day are a setting (``HALL_HOURS``, default
``09:00-12:00,13:30-17:00``); time outside them, and every day that is not a working day
in the calendar, does not count. The functions are pure given a calendar and the hours.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import calendar as calendars

Period = tuple[time, time]


def parse_hours(text: str) -> list[Period]:
    """Return the periods of "09:00-12:00,13:30-17:00", checked to be in order and not overlapping."""
    periods = []
    try:
        for part in text.split(","):
            start, end = (time.fromisoformat(value.strip()) for value in part.split("-"))
            periods.append((start, end))
    except ValueError as error:
        raise ImproperlyConfigured(f"HALL_HOURS: expected e.g. 09:00-12:00,13:30-17:00, got {text!r}") from error
    for (start, end), following in zip(periods, periods[1:] + [None], strict=True):
        if not start < end or (following is not None and following[0] < end):
            raise ImproperlyConfigured(f"HALL_HOURS: periods must be increasing and not overlap: {text!r}")
    return periods


def hall_hours() -> list[Period]:
    """Return the hall's working periods of a working day, from the settings."""
    return parse_hours(settings.HALL_HOURS)


def _zone():
    return ZoneInfo(settings.TIME_ZONE)


def _periods_of(day: date, periods: list[Period], calendar) -> list[tuple[datetime, datetime]]:
    if not calendar.is_workday(day):
        return []
    zone = _zone()
    return [(datetime.combine(day, start, zone), datetime.combine(day, end, zone)) for start, end in periods]


def add_working_hours(start: datetime, hours: float, *, periods: list[Period] | None = None, calendar=None) -> datetime:
    """Return the instant when `hours` working hours have passed after `start`.

    Time before opening, at lunch, after closing and on days off does not count; a limit that
    ends exactly at closing time ends then, not at the next opening.
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    periods = periods or hall_hours()
    calendar = calendar or calendars.get_calendar()
    remaining = timedelta(hours=hours)
    moment = start.astimezone(_zone())
    day = moment.date()
    for _ in range(3660):  # ten years of days: a limit in hours never gets near it
        for opens, closes in _periods_of(day, periods, calendar):
            if closes <= moment:
                continue
            begin = max(opens, moment)
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += timedelta(days=1)
    raise ValueError("no working hours within ten years: check HALL_HOURS and the calendar")


def working_hours_between(
    start: datetime, end: datetime, *, periods: list[Period] | None = None, calendar=None
) -> float:
    """Return the working hours from start to end (negative if end is before start)."""
    if end < start:
        return -working_hours_between(end, start, periods=periods, calendar=calendar)
    periods = periods or hall_hours()
    calendar = calendar or calendars.get_calendar()
    start, end = start.astimezone(_zone()), end.astimezone(_zone())
    total = timedelta()
    day = start.date()
    while day <= end.date():
        for opens, closes in _periods_of(day, periods, calendar):
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return total.total_seconds() / 3600
