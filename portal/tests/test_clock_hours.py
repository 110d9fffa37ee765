"""Working hours of the hall: limits counted in hours skip the lunch break, nights and days off."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from portal.clock import hours
from portal.clock.calendar import WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
HALL = hours.parse_hours("09:00-12:00,13:30-17:00")
# 2 October 2030 is a holiday; Saturday 5 October a make-up working day; other days Monday-Friday.
CALENDAR = WorkCalendar({date(2030, 10, 2): False, date(2030, 10, 5): True}, holidays_of=lambda year: frozenset())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


ADD_CASES = [
    # start, hours, expected, why
    ("2030-09-30 09:30", 2, "2030-09-30 11:30", "within the morning"),
    ("2030-09-30 11:00", 3, "2030-09-30 15:30", "the lunch break does not count"),
    ("2030-09-30 16:00", 3, "2030-10-01 11:00", "the night does not count"),
    ("2030-09-30 07:00", 1, "2030-09-30 10:00", "before opening counts from opening"),
    ("2030-09-30 12:30", 1, "2030-09-30 14:30", "during lunch counts from the afternoon"),
    ("2030-10-01 16:00", 3, "2030-10-03 11:00", "a holiday does not count"),
    ("2030-09-30 13:30", 3.5, "2030-09-30 17:00", "a limit ending at closing time ends then"),
    ("2030-10-04 16:00", 3, "2030-10-05 11:00", "a make-up Saturday counts"),
    ("2030-10-05 18:00", 1, "2030-10-07 10:00", "Sunday does not count"),
]


@pytest.mark.parametrize(("start", "n", "expected", "why"), ADD_CASES, ids=[c[3] for c in ADD_CASES])
def test_it_adds_working_hours(start, n, expected, why):
    assert hours.add_working_hours(at(start), n, periods=HALL, calendar=CALENDAR) == at(expected), why


BETWEEN_CASES = [
    ("2030-09-30 09:00", "2030-09-30 17:00", 6.5, "a whole working day"),
    ("2030-09-30 11:00", "2030-10-01 10:00", 5.5, "across a night"),
    ("2030-10-01 17:00", "2030-10-03 09:00", 0, "across a holiday"),
    ("2030-09-30 10:00", "2030-09-30 09:00", -1, "reversed"),
]


@pytest.mark.parametrize(("start", "end", "expected", "why"), BETWEEN_CASES, ids=[c[3] for c in BETWEEN_CASES])
def test_it_counts_working_hours_between(start, end, expected, why):
    assert hours.working_hours_between(at(start), at(end), periods=HALL, calendar=CALENDAR) == expected, why


def test_the_result_is_in_the_portals_time_zone_whatever_the_start():
    start = datetime(2030, 9, 30, 1, 30, tzinfo=ZoneInfo("UTC"))  # 9:30 in Shanghai
    result = hours.add_working_hours(start, 1, periods=HALL, calendar=CALENDAR)
    assert result == at("2030-09-30 10:30") and result.tzinfo == SH


@pytest.mark.parametrize("text", ["9-12", "09:00-12:00,11:00-17:00", "12:00-09:00", ""])
def test_bad_hall_hours_are_refused_with_the_setting_named(text):
    with pytest.raises(ImproperlyConfigured, match="HALL_HOURS"):
        hours.parse_hours(text)


def test_the_default_hall_hours_come_from_the_settings(settings):
    settings.HALL_HOURS = "08:30-12:00"
    assert hours.hall_hours() == [(time(8, 30), time(12, 0))]


def test_the_system_check_refuses_bad_hall_hours(settings):
    settings.HALL_HOURS = "9 to 5"
    errors = [e for e in run_checks() if e.id == "portal.E001"]
    assert len(errors) == 1 and "HALL_HOURS" in errors[0].msg
    settings.HALL_HOURS = "09:00-12:00,13:30-17:00"
    assert not [e for e in run_checks() if e.id == "portal.E001"]
