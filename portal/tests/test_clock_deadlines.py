"""The legal clock's arithmetic, table-driven over the official 2026 calendar."""

from datetime import date

import pytest

from portal.clock import deadlines

pytestmark = pytest.mark.django_db

D = date.fromisoformat

INTAKE = [
    ("2026-11-27", "2026-12-04", "Friday + 5 working days"),
    ("2026-09-29", "2026-10-12", "across National Day; Saturday 10 October is worked"),
    ("2026-02-12", "2026-02-26", "across Spring Festival; Saturday 14 February is worked"),
    ("2026-12-28", "2027-01-05", "into 2027: Monday to Friday less New Year's Day until the schedule is published"),
]


@pytest.mark.parametrize(("received", "expected", "why"), INTAKE, ids=[c[2] for c in INTAKE])
def test_the_intake_deadline_is_5_working_days_after_receipt(received, expected, why):
    assert deadlines.intake_deadline(D(received)) == D(expected), why


def test_decision_deadlines_count_promised_and_statutory_days_from_acceptance():
    promised, statutory = deadlines.decision_deadlines(D("2026-09-28"), promised_days=3, statutory_days=15)
    assert promised == D("2026-10-08")  # 29, 30 Sept, then 8 Oct
    assert statutory == D("2026-10-23")


def test_an_extension_adds_working_days_to_the_deadline():
    assert deadlines.extended(D("2026-10-22"), 10) == D("2026-11-05")


SHIFTS = [
    ("2026-11-04", "2026-11-02", "2026-11-04", "2026-11-06", "paused Monday, resumed Wednesday: 2 days"),
    ("2026-11-02", "2026-11-02", "2026-11-02", "2026-11-02", "resumed the same day: no shift"),
    ("2026-10-09", "2026-09-30", "2026-10-08", "2026-10-10", "a pause over National Day costs 1 working day"),
]


@pytest.mark.parametrize(("deadline", "paused", "resumed", "expected", "why"), SHIFTS, ids=[c[4] for c in SHIFTS])
def test_a_pause_moves_the_deadline_by_the_working_days_it_lasted(deadline, paused, resumed, expected, why):
    assert deadlines.shifted(D(deadline), D(paused), D(resumed)) == D(expected), why


def test_the_certificate_deadline_is_10_working_days_after_approval():
    assert deadlines.certificate_deadline(D("2026-09-25")) == D("2026-10-15")


LEVELS = [
    ("2026-12-04", "2026-11-30", "normal", "four working days left"),
    ("2026-12-04", "2026-12-03", "warning", "one working day left"),
    ("2026-12-04", "2026-12-04", "warning", "the last day"),
    ("2026-12-04", "2026-12-05", "overdue", "the day after"),
    ("2026-10-08", "2026-09-30", "warning", "only 8 October left after the holiday"),
]


@pytest.mark.parametrize(("deadline", "today", "expected", "why"), LEVELS, ids=[c[3] for c in LEVELS])
def test_the_level_warns_at_one_working_day_left_and_is_overdue_after(deadline, today, expected, why):
    assert deadlines.level(D(deadline), D(today), warning_days=1) == expected, why


def test_a_deadline_ends_at_the_end_of_its_day_in_shanghai():
    end = deadlines.end_of_day(D("2026-12-04"))
    assert end.isoformat().startswith("2026-12-04T23:59:59.999999+08:00")
    assert deadlines.day_of(end) == D("2026-12-04")


def test_working_days_left_is_negative_when_overdue():
    assert deadlines.working_days_left(D("2026-12-04"), D("2026-12-08")) == -2
