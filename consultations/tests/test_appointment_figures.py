"""Figures of the hall: per window and day and by hour, bookings, check-ins, no-shows, walk-ins, wait and service."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from consultations.appointments import services
from consultations.appointments.figures import appointment_figures
from consultations.tests import appointment_factories as af
from portal.services import calendar_load_official

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
MONDAY, TUESDAY = date(2026, 10, 12), date(2026, 10, 13)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def known_set(db, permit_item, market_department, citizen, other_citizen, enterprise, clerk):
    """Windows A (住建局) and B (市场监管局), Monday 12 and Tuesday 13 October 2026."""
    calendar_load_official()
    a = af.counter(number="1", prefix="A", departments=[permit_item.department])
    b = af.counter(number="2", prefix="B", departments=[market_department])
    booked_at = at(2026, 10, 9, 10, 0)
    a_slots, b_slots = af.slots(a, MONDAY), af.slots(b, MONDAY)
    # A, 09:00: one booking checked in at 09:01, called 09:02, served 09:12; one cancelled.
    served = services.appointment_book(holder=citizen, slot_id=a_slots[0].pk, item=permit_item, now=booked_at)
    dropped = services.appointment_book(holder=other_citizen, slot_id=a_slots[0].pk, item=permit_item, now=booked_at)
    services.appointment_cancel(appointment_id=dropped.pk, now=booked_at)
    # A, 10:00, and B, 09:00: nobody comes.
    services.appointment_book(holder=enterprise, slot_id=a_slots[4].pk, item=permit_item, now=booked_at)
    services.appointment_book(holder=enterprise, slot_id=b_slots[0].pk, now=booked_at)
    # A, Tuesday: booked, outside a range that ends on Monday.
    services.appointment_book(holder=citizen, slot_id=af.slots(a, TUESDAY)[0].pk, item=permit_item, now=booked_at)

    services.check_in(appointment_id=served.pk, actor=clerk, now=at(2026, 10, 12, 9, 1))
    first = services.call_next(counter=a, actor=clerk, now=at(2026, 10, 12, 9, 2))
    # A walk-in at 09:05, called once the booked visitor is done (09:12), served until 09:30.
    services.walk_in_ticket(counter=a, name="路人甲", actor=clerk, now=at(2026, 10, 12, 9, 5))
    services.ticket_finish(ticket_id=first.pk, served=True, actor=clerk, now=at(2026, 10, 12, 9, 12))
    second = services.call_next(counter=a, actor=clerk, now=at(2026, 10, 12, 9, 12))
    services.ticket_finish(ticket_id=second.pk, served=True, actor=clerk, now=at(2026, 10, 12, 9, 30))
    services.no_shows_mark(today=TUESDAY)
    return a, b


def _row(rows, window, day):
    (row,) = [r for r in rows if r["counter_id"] == window.pk and r["day"] == day]
    return row


def test_it_counts_bookings_cancellations_check_ins_and_no_shows_per_window_and_day(known_set):
    a, b = known_set
    rows = appointment_figures()
    monday_a, monday_b = _row(rows, a, MONDAY), _row(rows, b, MONDAY)

    assert (monday_a["bookings"], monday_a["cancelled"], monday_a["check_ins"], monday_a["no_shows"]) == (2, 1, 1, 1)
    assert (monday_b["bookings"], monday_b["cancelled"], monday_b["check_ins"], monday_b["no_shows"]) == (1, 0, 0, 1)


def test_it_counts_walk_ins_and_averages_the_wait_and_the_service_time(known_set):
    a, _ = known_set
    row = _row(appointment_figures(), a, MONDAY)

    assert row["walk_ins"] == 1
    assert row["average_wait_minutes"] == 4.0  # 1 minute for the booked visitor, 7 for the walk-in
    assert row["average_service_minutes"] == 14.0  # 10 and 18 minutes


def test_it_gives_no_average_where_nobody_was_called(known_set):
    _, b = known_set
    row = _row(appointment_figures(), b, MONDAY)

    assert row["walk_ins"] == 0
    assert row["average_wait_minutes"] is None and row["average_service_minutes"] is None


def test_it_splits_a_day_by_the_hour_of_the_slot_and_of_arrival(known_set):
    a, _ = known_set
    hours = {h["hour"]: h for h in _row(appointment_figures(), a, MONDAY)["hours"]}

    assert sorted(hours) == [9, 10]
    assert (hours[9]["bookings"], hours[9]["check_ins"], hours[9]["walk_ins"], hours[9]["no_shows"]) == (1, 1, 1, 0)
    assert hours[9]["average_wait_minutes"] == 4.0
    assert (hours[10]["bookings"], hours[10]["no_shows"], hours[10]["walk_ins"]) == (1, 1, 0)
    assert hours[10]["average_wait_minutes"] is None


def test_it_keeps_to_the_days_asked(known_set):
    rows = appointment_figures(start=MONDAY, end=MONDAY)

    assert {row["day"] for row in rows} == {MONDAY}
    assert len(rows) == 2
    assert [row["day"] for row in appointment_figures(start=TUESDAY)] == [TUESDAY]


def test_it_orders_the_rows_by_day_then_window_number(known_set):
    rows = appointment_figures()

    assert [(row["day"], row["counter"]) for row in rows] == [(MONDAY, "1"), (MONDAY, "2"), (TUESDAY, "1")]


@pytest.mark.parametrize(("start", "end", "count"), [(TUESDAY, TUESDAY, 1), (None, None, 3)])
def test_it_reads_the_figures_in_two_queries_for_one_row_or_many(
    known_set, django_assert_num_queries, start, end, count
):
    with django_assert_num_queries(2):
        rows = appointment_figures(start=start, end=end)

    assert len(rows) == count
