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
from contextvars import ContextVar, Token
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
        self._years: dict[int, tuple[list[int], list[int]]] = {}

    def covers(self, day: date) -> bool:
        """Return whether the calendar has data for this day."""
        return day in self._days

    def missing_dates(self, start: date, end: date) -> list[date]:
        """Return the dates from start to end inclusive that the calendar has no data for."""
        return [day for day in _days(start, end) if day not in self._days]

    def is_workday(self, day: date) -> bool:
        """Return whether the day is a working day."""
        known = self._days.get(day)
        if known is not None:
            return known
        self._warn_missing(day)
        return self._default_workday(day)

    def _default_workday(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays_of(day.year)

    def _warn_missing(self, day: date) -> None:
        if day.year not in self._warned_years:
            self._warned_years.add(day.year)
            logger.warning(
                "Working-day calendar incomplete: no data for %s (year %s); counting Monday to Friday "
                "less the statutory holidays as working days until the official schedule is entered.",
                day.isoformat(),
                day.year,
            )

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
        """Return the working days after start up to and including end (negative if end < start).

        One subtraction of the two days' cumulative counts (``_year``), not a walk over the days
        between: an admin list asks this for every row.
        """
        if end < start:
            return -self.working_days_between(end, start)
        work, covered = 0, 0
        for year in range(start.year, end.year):
            work += self._year(year)[0][-1]
            covered += self._year(year)[1][-1]
        end_work, end_covered = self._cumulative(end)
        start_work, start_covered = self._cumulative(start)
        work += end_work - start_work
        covered += end_covered - start_covered
        if covered < (end - start).days:
            self._warn_uncovered(start, end)
        return work

    def _year(self, year: int) -> tuple[list[int], list[int]]:
        """Return the year's working days and covered days counted from 1 January to each day of the year.

        Index 0 is the day before 1 January (0); index n the n-th day of the year, inclusive.
        Built once per year and calendar, without the missing-data warning (``_warn_uncovered``
        warns for the days a question really spans).
        """
        counts = self._years.get(year)
        if counts is None:
            first = date(year, 1, 1)
            work, covered = [0], [0]
            for offset in range((date(year + 1, 1, 1) - first).days):
                day = first + timedelta(days=offset)
                known = self._days.get(day)
                work.append(work[-1] + (known if known is not None else self._default_workday(day)))
                covered.append(covered[-1] + (known is not None))
            counts = self._years[year] = (work, covered)
        return counts

    def _cumulative(self, day: date) -> tuple[int, int]:
        work, covered = self._year(day.year)
        ordinal = day.timetuple().tm_yday
        return work[ordinal], covered[ordinal]

    def _warn_uncovered(self, start: date, end: date) -> None:
        """Warn, once per year, about the first day after start up to end that the calendar lacks."""
        for year in range(start.year, end.year + 1):
            if year in self._warned_years:
                continue
            first, last = max(start + timedelta(days=1), date(year, 1, 1)), min(end, date(year, 12, 31))
            covered = self._year(year)[1]
            if covered[last.timetuple().tm_yday] - covered[first.timetuple().tm_yday - 1] < (last - first).days + 1:
                self._warn_missing(next(day for day in _days(first, last) if day not in self._days))


def _days(first: date, last: date):
    return (first + timedelta(days=i) for i in range((last - first).days + 1))


_lock = threading.Lock()
_loaded: dict = {"calendar": None, "version": None, "at": 0.0}
# The calendar a request has already checked against the cache: one cache read per request,
# not one per call (an admin list of 50 rows asked 50 times). None outside a request.
_request_calendar: ContextVar[dict | None] = ContextVar("workdays_request_calendar", default=None)


def _current_version():
    return django_cache.get(_VERSION_CACHE_KEY)


def begin_request() -> Token:
    """Hold the calendar for the rest of this request once it is read (CalendarPerRequestMiddleware)."""
    return _request_calendar.set({})


def end_request(token: Token) -> None:
    """Let the next request check the calendar's version again."""
    _request_calendar.reset(token)


class CalendarPerRequestMiddleware:
    """Check the calendar's version once per request, whatever number of dates the request computes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = begin_request()
        try:
            return self.get_response(request)
        finally:
            end_request(token)


def get_calendar() -> WorkCalendar:
    """Return the calendar stored in the database, cached per process and held for the request."""
    held = _request_calendar.get()
    if held:
        return held["calendar"]
    calendar = _get_calendar()
    if held is not None:
        held["calendar"] = calendar
    return calendar


def _get_calendar() -> WorkCalendar:
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
    held = _request_calendar.get()
    if held:
        held.clear()  # an edit in this request counts in its own later dates


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
