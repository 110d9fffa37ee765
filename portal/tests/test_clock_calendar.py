"""Working-day arithmetic over the official calendar loaded by migration."""

import logging
from datetime import date, timedelta

import pytest
from chinese_calendar.constants import holidays

from portal.clock import calendar as workdays
from portal.clock.calendar import WorkCalendar
from portal.models import CalendarDay

D = date.fromisoformat

ADD_CASES = [
    # start, n, expected, why
    ("2026-10-08", 0, "2026-10-08", "zero days is the start day"),
    ("2026-10-08", 1, "2026-10-09", "the start day itself is not counted"),
    ("2026-09-30", 1, "2026-10-08", "National Day 2026: 1-7 October are holidays"),
    ("2026-09-30", 3, "2026-10-10", "National Day 2026: Saturday 10 October is a make-up working day"),
    ("2026-09-24", 1, "2026-09-28", "Mid-Autumn 2026: 25-27 September are holidays"),
    ("2026-09-18", 1, "2026-09-20", "Sunday 20 September 2026 is a make-up working day"),
    ("2026-02-13", 1, "2026-02-14", "Spring Festival 2026: Saturday 14 February is a make-up working day"),
    ("2026-02-14", 1, "2026-02-24", "Spring Festival 2026: 15-23 February are holidays"),
    ("2026-02-27", 1, "2026-02-28", "Saturday 28 February 2026 is a make-up working day"),
    ("2025-12-31", 1, "2026-01-04", "year boundary: New Year 1-3 January, Sunday 4 January worked"),
    ("2026-11-27", 5, "2026-12-04", "an ordinary week skips the weekend"),
    ("2026-12-31", 1, "2027-01-04", "missing year 2027: New Year's Day is a statutory holiday, then the weekend"),
    ("2027-01-04", 4, "2027-01-08", "missing year 2027: an ordinary week counts Monday to Friday"),
    ("2027-02-04", 1, "2027-02-11", "missing year 2027: Spring Festival 5-10 February from the holidays package"),
    ("2027-09-30", 1, "2027-10-06", "missing year 2027: National Day 1-5 October from the holidays package"),
]

BETWEEN_CASES = [
    ("2026-09-30", "2026-10-10", 3, "8, 9 and 10 October"),
    ("2026-02-13", "2026-02-28", 6, "14, 24-27 and 28 February"),
    ("2026-10-08", "2026-10-08", 0, "the same day"),
    ("2026-10-10", "2026-09-30", -3, "reversed dates give a negative count"),
    ("2025-12-31", "2026-01-05", 2, "across the year boundary: 4 and 5 January"),
    ("2026-12-31", "2027-01-08", 5, "missing year: Monday to Friday, less New Year's Day"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "n", "expected", "why"), ADD_CASES, ids=[c[3] for c in ADD_CASES])
def test_it_adds_working_days(start, n, expected, why):
    assert workdays.add_working_days(D(start), n) == D(expected), why


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end", "expected", "why"), BETWEEN_CASES, ids=[c[3] for c in BETWEEN_CASES])
def test_it_counts_working_days_between(start, end, expected, why):
    assert workdays.working_days_between(D(start), D(end)) == expected, why


@pytest.mark.django_db
def test_it_warns_that_the_calendar_is_incomplete_for_a_missing_year(caplog):
    with caplog.at_level(logging.WARNING, logger="portal.clock.calendar"):
        workdays.add_working_days(D("2026-12-30"), 3)
    assert any("2027" in record.getMessage() and "incomplete" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_it_does_not_warn_within_covered_years(caplog):
    with caplog.at_level(logging.WARNING, logger="portal.clock.calendar"):
        workdays.add_working_days(D("2026-09-30"), 5)
    assert not caplog.records


@pytest.mark.django_db
def test_it_lists_missing_dates():
    missing = workdays.missing_dates(D("2026-12-30"), D("2027-01-02"))
    assert missing == [D("2027-01-01"), D("2027-01-02")]


@pytest.mark.django_db
def test_it_loads_every_year_the_package_knows():
    first, last = min(holidays).year, max(holidays).year
    assert CalendarDay.objects.filter(date__year=first).count() == 365 + (first % 4 == 0)
    assert CalendarDay.objects.filter(date__year=last).count() == 365 + (last % 4 == 0)
    national_day = CalendarDay.objects.get(date=D("2026-10-01"))
    assert national_day.is_workday is False
    assert national_day.note == "国庆节"
    assert CalendarDay.objects.get(date=D("2026-10-10")).note == "国庆节调休上班"


@pytest.mark.django_db
def test_it_uses_a_day_edited_in_the_admin_at_once():
    assert workdays.add_working_days(D("2026-11-26"), 1) == D("2026-11-27")
    day = CalendarDay.objects.get(date=D("2026-11-27"))
    day.is_workday = False
    day.note = "临时调整"
    day.save()
    assert workdays.add_working_days(D("2026-11-26"), 1) == D("2026-11-30")


def test_the_pure_calendar_needs_no_database():
    calendar = workdays.WorkCalendar({D("2030-01-01"): False, D("2030-01-05"): True})
    assert calendar.add_working_days(D("2029-12-31"), 1) == D("2030-01-02")
    assert calendar.working_days_between(D("2030-01-03"), D("2030-01-06")) == 2


def test_it_refuses_a_negative_number_of_days():
    with pytest.raises(ValueError):
        workdays.WorkCalendar({}).add_working_days(D("2030-01-01"), -1)


def test_an_uncovered_year_counts_only_the_statutory_holidays_it_is_given():
    no_holidays = WorkCalendar({}, holidays_of=lambda year: frozenset())
    new_year = WorkCalendar({}, holidays_of=lambda year: frozenset({D("2030-01-01")}))
    assert no_holidays.add_working_days(D("2029-12-31"), 1) == D("2030-01-01")
    assert new_year.add_working_days(D("2029-12-31"), 1) == D("2030-01-02")


@pytest.mark.django_db
def test_an_uncovered_year_is_still_reported_missing_though_its_holidays_are_known():
    assert workdays.is_workday(D("2027-10-01")) is False
    assert D("2027-10-01") in workdays.missing_dates(D("2027-09-30"), D("2027-10-02"))


def _walked(calendar, start, end):
    """Count the working days between two dates one day at a time, as the calendar once did."""
    return sum(1 for day in workdays._days(start + timedelta(days=1), end) if calendar.is_workday(day))


@pytest.mark.django_db
def test_it_counts_by_subtraction_what_a_walk_over_the_days_counts():
    calendar = workdays.get_calendar()
    starts = [D("2024-02-28"), D("2025-12-31"), D("2026-01-01"), D("2026-09-30"), D("2026-12-31")]
    ends = [D("2026-01-01"), D("2026-03-01"), D("2026-10-10"), D("2027-12-31")]
    for start in starts:
        for end in ends:
            if end >= start:
                assert calendar.working_days_between(start, end) == _walked(calendar, start, end), (start, end)


def test_a_count_across_an_uncovered_year_warns_once_about_its_first_missing_day(caplog):
    calendar = WorkCalendar({D("2029-12-31"): True}, holidays_of=lambda year: frozenset())
    with caplog.at_level(logging.WARNING, logger="portal.clock.calendar"):
        calendar.working_days_between(D("2029-12-30"), D("2030-01-03"))
        calendar.working_days_between(D("2029-12-30"), D("2030-01-04"))
    assert [record.args for record in caplog.records] == [("2030-01-01", 2030)]


def test_a_count_within_covered_days_does_not_warn(caplog):
    calendar = WorkCalendar({D("2029-12-30"): False, D("2029-12-31"): True})
    with caplog.at_level(logging.WARNING, logger="portal.clock.calendar"):
        assert calendar.working_days_between(D("2029-12-29"), D("2029-12-31")) == 1
    assert not caplog.records


@pytest.mark.django_db
def test_a_request_reads_the_calendars_version_from_the_cache_once(monkeypatch):
    reads = []
    read = workdays._current_version
    monkeypatch.setattr(workdays, "_current_version", lambda: reads.append(1) or read())
    token = workdays.begin_request()
    try:
        for n in range(50):
            workdays.working_days_between(D("2026-09-01"), D("2026-10-01") + timedelta(days=n))
    finally:
        workdays.end_request(token)
    assert len(reads) == 1


@pytest.mark.django_db
def test_outside_a_request_every_call_checks_the_version(monkeypatch):
    reads = []
    read = workdays._current_version
    monkeypatch.setattr(workdays, "_current_version", lambda: reads.append(1) or read())
    workdays.is_workday(D("2026-10-01"))
    workdays.is_workday(D("2026-10-02"))
    assert len(reads) == 2


@pytest.mark.django_db
def test_an_edit_within_a_request_counts_in_its_later_dates():
    token = workdays.begin_request()
    try:
        assert workdays.add_working_days(D("2026-11-26"), 1) == D("2026-11-27")
        day = CalendarDay.objects.get(date=D("2026-11-27"))
        day.is_workday = False
        day.save()
        assert workdays.add_working_days(D("2026-11-26"), 1) == D("2026-11-30")
    finally:
        workdays.end_request(token)
