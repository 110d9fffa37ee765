"""Working-day arithmetic over the official calendar (Administrative Licensing Law, Art. 82).

China moves working days onto weekends around holidays (调休), so a working day is
whatever the published calendar says, not ``weekday() < 5``. The arithmetic lives in
``WorkCalendar``, a pure object built from a mapping of dates to "is a working day";
the module-level functions use the calendar stored in ``CalendarDay`` rows.

A date the calendar does not cover (next year, before the State Council publishes its
schedule) counts Monday to Friday as working days, except the statutory holidays that the
``holidays`` package already knows for that year (New Year, Spring Festival, Qingming,
Labour Day, Dragon Boat, Mid-Autumn, National Day); only the make-up working days are
then unknown. The gap is reported: a log warning once per year each time a process loads the
calendar (every few minutes), and
``WorkCalendar.missing_dates`` for the check that alerts supervisors until the official
schedule is entered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from functools import cache

import holidays
from django.core.cache import cache as django_cache

from portal.models import CalendarDay

logger = logging.getLogger(__name__)

# How long a process keeps the calendar before reading it again, so an edit in the
# admin reaches every worker even when the cache is not shared between processes.
RELOAD_SECONDS = 300
_VERSION_CACHE_KEY = "portal:workdays:version"


@cache
def statutory_holidays(year: int) -> frozenset[date]:
    """Return the days off China's statutory holidays give in a year, as the holidays package knows them."""
    return frozenset(holidays.country_holidays("CN", years=year))


class WorkCalendar:
    """Working days from explicit calendar data; where data is missing, Monday-Friday less statutory holidays."""

    def __init__(
        self, days: Mapping[date, bool], *, holidays_of: Callable[[int], frozenset[date]] = statutory_holidays
    ):
        self._days = dict(days)
        self._holidays_of = holidays_of
        self._warned_years: set[int] = set()

    def covers(self, day: date) -> bool:
        """Return whether the calendar has data for this day."""
        return day in self._days

    def missing_dates(self, start: date, end: date) -> list[date]:
        """Return the dates from start to end inclusive that the calendar has no data for."""
        days = (start + timedelta(days=i) for i in range((end - start).days + 1))
        return [day for day in days if day not in self._days]

    def is_workday(self, day: date) -> bool:
        """Return whether the day is a working day."""
        known = self._days.get(day)
        if known is not None:
            return known
        if day.year not in self._warned_years:
            self._warned_years.add(day.year)
            logger.warning(
                "Working-day calendar incomplete: no data for %s (year %s); counting Monday to Friday "
                "less the statutory holidays as working days until the official schedule is entered.",
                day.isoformat(),
                day.year,
            )
        return day.weekday() < 5 and day not in self._holidays_of(day.year)

    def add_working_days(self, start: date, n: int) -> date:
        """Return the n-th working day after start (start itself is not counted)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Return the working days after start up to and including end (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_workday(start + timedelta(days=i)))


_lock = threading.Lock()
_loaded: dict = {"calendar": None, "version": None, "at": 0.0}


def _current_version():
    return django_cache.get(_VERSION_CACHE_KEY)


def get_calendar() -> WorkCalendar:
    """Return the calendar stored in the database, cached per process."""
    version = _current_version()
    with _lock:
        fresh = time.monotonic() - _loaded["at"] < RELOAD_SECONDS
        if _loaded["calendar"] is not None and fresh and _loaded["version"] == version:
            return _loaded["calendar"]
    calendar = WorkCalendar(dict(CalendarDay.objects.values_list("date", "is_workday")))
    with _lock:
        _loaded.update(calendar=calendar, version=version, at=time.monotonic())
    return calendar


def invalidate() -> None:
    """Make every process read the calendar again (called when a CalendarDay changes)."""
    django_cache.set(_VERSION_CACHE_KEY, time.time_ns(), timeout=None)
    with _lock:
        _loaded.update(calendar=None, version=None, at=0.0)


def is_workday(day: date) -> bool:
    """Return whether the day is a working day in the official calendar."""
    return get_calendar().is_workday(day)


def add_working_days(start: date, n: int) -> date:
    """Return the n-th working day after start (start itself is not counted)."""
    return get_calendar().add_working_days(start, n)


def working_days_between(start: date, end: date) -> int:
    """Return the working days after start up to and including end."""
    return get_calendar().working_days_between(start, end)


def missing_dates(start: date, end: date) -> list[date]:
    """Return the dates from start to end that the official calendar does not cover."""
    return get_calendar().missing_dates(start, end)
