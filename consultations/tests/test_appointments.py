"""Appointments: slots from the calendar, booking without overselling, cancel, reminders, queue numbers, no-shows."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from consultations.appointments import services
from consultations.models import Appointment, BookingSuspension, QueueTicket, Slot
from consultations.tests import appointment_factories as af
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import Notification
from portal.services import calendar_load_official

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def official_calendar(db):
    calendar_load_official()


def test_a_make_up_saturday_has_slots_and_a_holiday_has_none(official_calendar, window):
    make_up_saturday = date(2026, 10, 10)  # 调休: a working Saturday after National Day
    holiday = date(2026, 10, 1)

    assert len(af.slots(window, make_up_saturday)) == 26  # 12 before lunch, 14 after, of 15 minutes
    assert af.slots(window, holiday) == []


def test_generating_twice_makes_no_second_slot(official_calendar, window):
    af.slots(window, date(2026, 10, 12))

    assert services.slots_generate(counter=window, start=date(2026, 10, 12), end=date(2026, 10, 12)) == 0
    assert Slot.objects.filter(counter=window).count() == 26


def test_booking_past_the_places_says_the_time_was_just_taken_and_offers_the_next(
    official_calendar, window, permit_item, citizen, other_citizen, enterprise
):
    first = af.slots(window, date(2026, 10, 12))[0]
    now = at(2026, 10, 9, 10, 0)
    services.appointment_book(holder=citizen, slot_id=first.pk, item=permit_item, now=now)
    services.appointment_book(holder=other_citizen, slot_id=first.pk, item=permit_item, now=now)

    with pytest.raises(services.SlotTaken) as taken:
        services.appointment_book(holder=enterprise, slot_id=first.pk, item=permit_item, now=now)

    assert [slot.starts_at for slot in taken.value.alternatives][0] == first.starts_at + timedelta(minutes=15)
    first.refresh_from_db()
    assert first.booked_online == 2
    assert Appointment.objects.filter(slot=first).count() == 2


def test_one_active_booking_per_person_item_and_day(official_calendar, window, permit_item, citizen):
    slots = af.slots(window, date(2026, 10, 12))
    now = at(2026, 10, 9, 10, 0)
    services.appointment_book(holder=citizen, slot_id=slots[0].pk, item=permit_item, now=now)

    with pytest.raises(AlreadyHandled):
        services.appointment_book(holder=citizen, slot_id=slots[5].pk, item=permit_item, now=now)


def test_a_get_on_the_cancel_link_changes_nothing_and_a_post_with_the_right_code_cancels(
    client, official_calendar, window, permit_item, citizen
):
    slot = af.slots(window, date(2026, 12, 14))[0]
    appointment = services.appointment_book(
        holder=citizen, slot_id=slot.pk, item=permit_item, now=at(2026, 12, 1, 10, 0)
    )
    url = f"/appointments/{appointment.code}/cancel/"

    client.get(url)
    appointment.refresh_from_db()
    assert appointment.state == Appointment.State.BOOKED

    with pytest.raises(ActionRefused):
        services.appointment_cancel_by_code(code=appointment.code, id_tail="0000", now=at(2026, 12, 1, 11, 0))
    services.appointment_cancel_by_code(
        code=appointment.code, id_tail=citizen.id_number[-4:], now=at(2026, 12, 1, 11, 0)
    )
    appointment.refresh_from_db()
    slot.refresh_from_db()
    assert appointment.state == Appointment.State.CANCELLED
    assert slot.booked_online == 0


def test_a_booking_cannot_be_cancelled_shortly_before_its_time(official_calendar, window, permit_item, citizen):
    slot = af.slots(window, date(2026, 10, 12))[0]  # 09:00
    appointment = services.appointment_book(
        holder=citizen, slot_id=slot.pk, item=permit_item, now=at(2026, 10, 9, 10, 0)
    )

    with pytest.raises(ActionRefused):
        services.appointment_cancel(appointment_id=appointment.pk, now=at(2026, 10, 12, 7, 30))


def test_a_change_frees_the_old_place_and_takes_the_new(official_calendar, window, permit_item, citizen):
    slots = af.slots(window, date(2026, 10, 12))
    appointment = services.appointment_book(
        holder=citizen, slot_id=slots[0].pk, item=permit_item, now=at(2026, 10, 9, 10, 0)
    )

    moved = services.appointment_change(appointment_id=appointment.pk, slot_id=slots[3].pk, now=at(2026, 10, 9, 11, 0))

    assert moved.slot_id == slots[3].pk
    assert Slot.objects.get(pk=slots[0].pk).booked_online == 0
    assert Slot.objects.get(pk=slots[3].pk).booked_online == 1


def test_the_reminder_task_run_twice_sends_one_reminder_and_none_after_a_cancellation(
    official_calendar, window, permit_item, citizen, other_citizen
):
    slots = af.slots(window, date(2026, 10, 12))  # a Monday
    kept = services.appointment_book(holder=citizen, slot_id=slots[0].pk, item=permit_item, now=at(2026, 10, 8, 10, 0))
    dropped = services.appointment_book(
        holder=other_citizen, slot_id=slots[1].pk, item=permit_item, now=at(2026, 10, 8, 10, 0)
    )
    services.appointment_cancel(appointment_id=dropped.pk, now=at(2026, 10, 8, 11, 0))

    # Friday 9 October: the next working day is Saturday the 10th (调休), so Monday is not due yet.
    assert services.reminders_send(now=at(2026, 10, 9, 18, 0)) == 0
    sent = services.reminders_send(now=at(2026, 10, 10, 18, 0)) + services.reminders_send(now=at(2026, 10, 10, 18, 5))

    assert sent == 1
    assert Notification.objects.filter(user=citizen, kind="appointment_reminder").count() == 1
    assert not Notification.objects.filter(user=other_citizen, kind="appointment_reminder").exists()
    kept.refresh_from_db()
    assert kept.reminder_sent_at is not None


def test_checking_in_issues_a001_a002_in_order(official_calendar, window, permit_item, citizen, other_citizen, clerk):
    slots = af.slots(window, date(2026, 10, 12))
    booked = [
        services.appointment_book(holder=person, slot_id=slots[0].pk, item=permit_item, now=at(2026, 10, 9, 10, 0))
        for person in (citizen, other_citizen)
    ]

    labels = [services.check_in(appointment_id=a.pk, actor=clerk, now=at(2026, 10, 12, 8, 50)).label for a in booked]

    assert labels == ["A001", "A002"]
    with pytest.raises(AlreadyHandled):
        services.check_in(appointment_id=booked[0].pk, actor=clerk, now=at(2026, 10, 12, 8, 55))


def test_booked_visitors_are_called_before_walk_ins_of_their_slot(
    official_calendar, window, permit_item, citizen, clerk
):
    slots = af.slots(window, date(2026, 10, 12))
    walk_in = services.walk_in_ticket(counter=window, name="路人甲", actor=clerk, now=at(2026, 10, 12, 9, 5))
    booked = services.appointment_book(
        holder=citizen, slot_id=slots[0].pk, item=permit_item, now=at(2026, 10, 9, 10, 0)
    )
    ticket = services.check_in(appointment_id=booked.pk, actor=clerk, now=at(2026, 10, 12, 9, 10))

    first = services.call_next(counter=window, actor=clerk, now=at(2026, 10, 12, 9, 11))
    services.ticket_finish(ticket_id=first.pk, served=True, actor=clerk, now=at(2026, 10, 12, 9, 20))
    second = services.call_next(counter=window, actor=clerk, now=at(2026, 10, 12, 9, 21))

    assert (first.pk, second.pk) == (ticket.pk, walk_in.pk)
    assert (walk_in.label, ticket.label) == ("A001", "A002")


def test_a_number_is_marked_missed_only_after_three_calls(official_calendar, window, clerk):
    services.walk_in_ticket(counter=window, name="路人乙", actor=clerk, now=at(2026, 10, 12, 9, 5))
    ticket = services.call_next(counter=window, actor=clerk, now=at(2026, 10, 12, 9, 6))

    with pytest.raises(ActionRefused):
        services.ticket_finish(ticket_id=ticket.pk, served=False, actor=clerk, now=at(2026, 10, 12, 9, 7))
    services.recall(ticket_id=ticket.pk, actor=clerk, now=at(2026, 10, 12, 9, 8))
    services.recall(ticket_id=ticket.pk, actor=clerk, now=at(2026, 10, 12, 9, 9))
    ticket = services.ticket_finish(ticket_id=ticket.pk, served=False, actor=clerk, now=at(2026, 10, 12, 9, 10))

    assert ticket.state == QueueTicket.State.MISSED and ticket.calls == 3


def test_a_third_no_show_suspends_online_booking(official_calendar, window, permit_item, citizen, settings):
    days = [date(2026, 10, 12), date(2026, 10, 13), date(2026, 10, 14)]
    for day in days:
        slot = af.slots(window, day)[0]
        services.appointment_book(holder=citizen, slot_id=slot.pk, item=permit_item, now=at(2026, 10, 9, 10, 0))

    services.no_shows_mark(today=date(2026, 10, 14))  # two days past
    assert not BookingSuspension.objects.exists()
    result = services.no_shows_mark(today=date(2026, 10, 15))

    assert result.suspended == 1
    suspension = BookingSuspension.objects.get(user=citizen)
    assert suspension.ends_on == date(2026, 10, 15) + timedelta(days=settings.APPOINTMENT_SUSPENSION_DAYS)
    assert Notification.objects.filter(user=citizen, kind="appointment_suspended").exists()
    later = af.slots(window, date(2026, 10, 19))[0]
    with pytest.raises(ActionRefused):
        services.appointment_book(holder=citizen, slot_id=later.pk, item=permit_item, now=at(2026, 10, 16, 10, 0))


def test_closing_a_booked_day_flags_the_booking_and_tells_the_holder(
    official_calendar, window, permit_item, citizen, administrator
):
    slot = af.slots(window, date(2026, 10, 12))[0]
    appointment = services.appointment_book(
        holder=citizen, slot_id=slot.pk, item=permit_item, now=at(2026, 10, 9, 10, 0)
    )

    services.closure_add(counter=window, day=date(2026, 10, 12), reason="系统升级", actor=administrator)

    appointment.refresh_from_db()
    slot.refresh_from_db()
    assert appointment.closure_flagged and slot.is_closed
    assert Notification.objects.filter(user=citizen, kind="appointment_closure").exists()
    assert af.slots(window, date(2026, 10, 12))[0].is_closed


def test_a_window_that_does_not_serve_the_item_is_refused(official_calendar, permit_item, citizen, market_department):
    other = af.counter(number="B1", prefix="B", departments=[market_department])
    slot = af.slots(other, date(2026, 10, 12))[0]

    with pytest.raises(ActionRefused):
        services.appointment_book(holder=citizen, slot_id=slot.pk, item=permit_item, now=at(2026, 10, 9, 10, 0))


def test_staff_book_in_the_staff_places_when_online_ones_are_gone(
    official_calendar, window, permit_item, citizen, other_citizen, enterprise, clerk
):
    slot = af.slots(window, date(2026, 10, 12))[0]
    now = at(2026, 10, 9, 10, 0)
    for person in (citizen, other_citizen):
        services.appointment_book(holder=person, slot_id=slot.pk, item=permit_item, now=now)

    booked = services.appointment_book(holder=enterprise, slot_id=slot.pk, item=permit_item, booked_by=clerk, now=now)

    assert booked.channel == Appointment.Channel.STAFF
    assert Slot.objects.get(pk=slot.pk).booked_staff == 1


def test_the_open_bookings_of_one_person_are_limited(official_calendar, window, citizen, settings):
    settings.APPOINTMENT_MAX_OPEN = 2
    slots = af.slots(window, date(2026, 10, 12))
    for slot in slots[:2]:
        services.appointment_book(holder=citizen, slot_id=slot.pk, now=at(2026, 10, 9, 10, 0))

    with pytest.raises(ActionRefused):
        services.appointment_book(holder=citizen, slot_id=slots[2].pk, now=at(2026, 10, 9, 10, 0))


def test_a_booking_on_a_day_the_window_closed_is_not_a_no_show(
    official_calendar, window, permit_item, citizen, administrator
):
    slot = af.slots(window, date(2026, 10, 12))[0]
    appointment = services.appointment_book(
        holder=citizen, slot_id=slot.pk, item=permit_item, now=at(2026, 10, 9, 10, 0)
    )
    services.closure_add(counter=window, day=date(2026, 10, 12), reason="停电检修", actor=administrator)

    result = services.no_shows_mark(today=date(2026, 10, 13))

    appointment.refresh_from_db()
    assert result.no_shows == 0
    assert appointment.state == Appointment.State.CANCELLED


def test_a_second_call_while_a_number_is_called_is_refused(official_calendar, window, clerk):
    for name in ("甲", "乙"):
        services.walk_in_ticket(counter=window, name=name, actor=clerk, now=at(2026, 10, 12, 9, 5))
    services.call_next(counter=window, actor=clerk, now=at(2026, 10, 12, 9, 6))

    with pytest.raises(AlreadyHandled):
        services.call_next(counter=window, actor=clerk, now=at(2026, 10, 12, 9, 6))
    assert QueueTicket.objects.filter(state=QueueTicket.State.CALLED).count() == 1
