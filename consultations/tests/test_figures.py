"""Figures for supervision: per department and month, received, answered, on time, hours, forwarded, follow-ups."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from consultations import services
from consultations.selectors import question_figures
from consultations.tests import factories
from portal.services import calendar_load_official

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def official_calendar(db):
    calendar_load_official()


def answer(question, handler, asked_then_answered):
    claimed, answered = asked_then_answered
    services.question_claim(question_id=question.pk, actor=handler, now=claimed)
    return services.question_answer(question_id=question.pk, actor=handler, text="答复。", now=answered)


@pytest.fixture
def known_set(official_calendar, permit_item, citizen, consultant, other_consultant, market_department):
    """Six questions of September and October 2026 (the hall works 9:00-12:00 and 13:30-17:00)."""
    # 住建局, September: on time after 6.5 working hours; late after 21.5; on time after 2, then followed up.
    on_time = factories.ask(permit_item, asker=citizen, now=at(2026, 9, 7, 10, 0))
    answer(on_time, consultant, (at(2026, 9, 7, 10, 30), at(2026, 9, 8, 10, 0)))
    late = factories.ask(permit_item, asker=citizen, now=at(2026, 9, 7, 9, 0))
    answer(late, consultant, (at(2026, 9, 7, 9, 30), at(2026, 9, 10, 11, 0)))
    followed = factories.ask(permit_item, asker=citizen, now=at(2026, 9, 9, 9, 0))
    answer(followed, consultant, (at(2026, 9, 9, 9, 30), at(2026, 9, 9, 11, 0)))
    services.question_follow_up(question_id=followed.pk, text="还有一个问题。", now=at(2026, 9, 10, 9, 0))
    # Forwarded to 市场监管局 in September and still waiting there: it counts where it is now.
    forwarded = factories.ask(permit_item, asker=citizen, now=at(2026, 9, 8, 9, 0))
    services.question_claim(question_id=forwarded.pk, actor=consultant, now=at(2026, 9, 8, 9, 30))
    services.question_forward(
        question_id=forwarded.pk,
        actor=consultant,
        to=market_department,
        note="属市场监管局。",
        now=at(2026, 9, 8, 10, 0),
    )
    # The general window, late on the last evening of September (15:30 UTC): still September locally.
    factories.ask(None, asker=citizen, now=at(2026, 9, 30, 23, 30))
    # 住建局, October: received, not answered yet.
    factories.ask(permit_item, asker=citizen, now=at(2026, 10, 12, 10, 0))


def _row(rows, department, month):
    (row,) = [r for r in rows if r["department"] == (department.name if department else None) and r["month"] == month]
    return row


def test_it_counts_received_answered_on_time_forwarded_and_followed_up_per_department_and_month(
    known_set, construction_department
):
    row = _row(question_figures(), construction_department, date(2026, 9, 1))

    assert row["department_id"] == construction_department.pk
    assert (row["received"], row["answered"], row["answered_on_time"]) == (3, 3, 2)
    assert (row["forwarded"], row["followed_up"]) == (0, 1)


def test_it_averages_the_working_hours_to_the_first_reply(known_set, construction_department):
    row = _row(question_figures(), construction_department, date(2026, 9, 1))

    assert row["average_hours_to_first_reply"] == pytest.approx((6.5 + 21.5 + 2) / 3)


def test_it_counts_a_forwarded_question_in_the_department_now_responsible(known_set, market_department):
    row = _row(question_figures(), market_department, date(2026, 9, 1))

    assert (row["received"], row["answered"], row["forwarded"]) == (1, 0, 1)
    assert row["average_hours_to_first_reply"] is None


def test_it_counts_the_month_in_local_time_and_the_general_window_apart(known_set):
    row = _row(question_figures(), None, date(2026, 9, 1))

    assert row["department_id"] is None
    assert row["received"] == 1


def test_it_gives_one_row_per_department_and_month_in_month_order(known_set, construction_department):
    rows = question_figures()

    months = [r["month"] for r in rows]
    assert months == sorted(months)
    october = _row(rows, construction_department, date(2026, 10, 1))
    assert (october["received"], october["answered"], october["answered_on_time"]) == (1, 0, 0)
    assert len(rows) == 4


def test_it_keeps_to_the_dates_asked_both_included(known_set, construction_department):
    rows = question_figures(start=date(2026, 9, 8), end=date(2026, 9, 30))

    september = _row(rows, construction_department, date(2026, 9, 1))
    assert september["received"] == 1  # only the one asked on the 9th; the 7th is before the start
    assert not [r for r in rows if r["month"] == date(2026, 10, 1)]
    assert _row(rows, None, date(2026, 9, 1))["received"] == 1  # 23:30 on the 30th is within the end day


def test_it_reads_the_figures_in_one_query(known_set, django_assert_num_queries):
    with django_assert_num_queries(1):
        question_figures()
