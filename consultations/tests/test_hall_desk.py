"""The hall desk in the admin: check-in by code and by ID number, walk-ins, calling, booking for a visitor."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.appointments import services
from consultations.models import Appointment, QueueTicket, Slot
from portal import work_queues
from portal.tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def today_slot(window, hour=9, minute=0, day=None) -> Slot:
    """Return a slot of the window today (or another day), made directly whatever the calendar says."""
    day = day or timezone.localdate()
    start = datetime.combine(day, time(hour, minute), timezone.get_current_timezone())
    return Slot.objects.create(
        counter=window,
        day=day,
        starts_at=start,
        ends_at=start + timedelta(minutes=15),
        online_capacity=2,
        staff_capacity=1,
    )


def booking(window, holder, item, slot=None) -> Appointment:
    slot = slot or today_slot(window)
    yesterday = timezone.now() - timedelta(days=1)
    return services.appointment_book(holder=holder, slot_id=slot.pk, item=item, now=yesterday)


def url(name, *args):
    return reverse(f"admin:consultations_queueticket_desk{name}", args=args)


def test_it_checks_a_visitor_in_by_code_after_the_clerk_confirms_identity(client, clerk, window, permit_item, citizen):
    appointment = booking(window, citizen, permit_item)
    client.force_login(clerk)

    confirm = client.post(url("_find", window.pk), {"query": appointment.code.lower()})
    page = confirm.content.decode()
    assert citizen.display_name in page
    assert citizen.masked_id_number in page
    assert citizen.id_number not in page
    assert Appointment.objects.get(pk=appointment.pk).state == Appointment.State.BOOKED  # nothing yet

    issued = client.post(url("_check_in", window.pk), {"appointment": appointment.pk}, follow=True)

    ticket = QueueTicket.objects.get(appointment=appointment)
    assert ticket.label == "A001"
    assert 'class="ow-big-number">A001<' in issued.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).state == Appointment.State.CHECKED_IN


def test_it_finds_todays_booking_by_the_id_number_posted_never_in_the_address(
    client, clerk, window, permit_item, citizen, other_citizen
):
    mine = booking(window, citizen, permit_item)
    booking(window, other_citizen, permit_item, slot=today_slot(window, 10))
    client.force_login(clerk)

    response = client.post(url("_find", window.pk), {"query": citizen.id_number})

    assert response.status_code == 200
    assert citizen.id_number not in response.request["PATH_INFO"]
    assert response.context["rows"][0][0].pk == mine.pk
    assert len(response.context["rows"]) == 1


def test_it_says_an_id_number_without_a_booking_today_has_none_and_does_not_echo_it(client, clerk, window, citizen):
    client.force_login(clerk)

    response = client.post(url("_find", window.pk), {"query": citizen.id_number})

    page = response.content.decode()
    assert "errornote" in page
    assert citizen.id_number not in page


def test_a_get_on_check_in_changes_nothing(client, clerk, window, permit_item, citizen):
    appointment = booking(window, citizen, permit_item)
    client.force_login(clerk)

    assert client.get(url("_check_in", window.pk), {"appointment": appointment.pk}).status_code == 405
    assert not QueueTicket.objects.exists()


def test_a_double_click_on_check_in_ends_in_the_services_message(client, clerk, window, permit_item, citizen):
    appointment = booking(window, citizen, permit_item)
    client.force_login(clerk)
    client.post(url("_check_in", window.pk), {"appointment": appointment.pk})

    second = client.post(url("_check_in", window.pk), {"appointment": appointment.pk}, follow=True)

    assert second.status_code == 200
    assert "already checked in: queue number A001" in [str(m) for m in second.context["messages"]][-1]
    assert QueueTicket.objects.count() == 1


def test_it_refuses_a_booking_of_another_day_with_the_services_reason(client, clerk, window, permit_item, citizen):
    tomorrow = today_slot(window, day=timezone.localdate() + timedelta(days=2))
    appointment = booking(window, citizen, permit_item, slot=tomorrow)
    client.force_login(clerk)

    response = client.post(url("_check_in", window.pk), {"appointment": appointment.pk}, follow=True)

    assert "not today" in [str(m) for m in response.context["messages"]][-1]
    assert not QueueTicket.objects.exists()


def test_it_issues_a001_then_a002_through_the_desk(client, clerk, window, permit_item, citizen):
    appointment = booking(window, citizen, permit_item)
    client.force_login(clerk)

    client.post(url("_check_in", window.pk), {"appointment": appointment.pk})
    client.post(url("_walk_in", window.pk), {"name": "王五"})

    assert list(QueueTicket.objects.order_by("number").values_list("label", "walk_in")) == [
        ("A001", False),
        ("A002", True),
    ]


def test_it_calls_the_booked_before_walk_ins_and_recalls_then_marks_missed_after_three_calls(
    client, clerk, window, permit_item, citizen
):
    client.force_login(clerk)
    client.post(url("_walk_in", window.pk), {"name": "王五"})
    early = booking(window, citizen, permit_item, slot=today_slot(window, 0, 0))  # a slot the walk-in follows
    client.post(url("_check_in", window.pk), {"appointment": early.pk})

    client.post(url("_call", window.pk))
    called = QueueTicket.objects.get(state=QueueTicket.State.CALLED)
    assert called.appointment_id == early.pk

    refused = client.post(url("_ticket", window.pk, called.pk, "missed"), follow=True)
    assert "before marking it missed" in [str(m) for m in refused.context["messages"]][-1]
    client.post(url("_ticket", window.pk, called.pk, "recall"))
    client.post(url("_ticket", window.pk, called.pk, "recall"))
    client.post(url("_ticket", window.pk, called.pk, "missed"))
    assert QueueTicket.objects.get(pk=called.pk).state == QueueTicket.State.MISSED

    client.post(url("_call", window.pk))
    assert QueueTicket.objects.get(state=QueueTicket.State.CALLED).walk_in


def test_a_double_click_on_call_next_calls_no_second_number(client, clerk, window):
    client.force_login(clerk)
    client.post(url("_walk_in", window.pk), {"name": "王五"})
    client.post(url("_walk_in", window.pk), {"name": "赵六"})

    client.post(url("_call", window.pk))
    second = client.post(url("_call", window.pk), follow=True)

    assert QueueTicket.objects.filter(state=QueueTicket.State.CALLED).count() == 1
    assert "A001 is being called" in [str(m) for m in second.context["messages"]][-1]


def test_served_twice_ends_in_the_services_message(client, clerk, window):
    client.force_login(clerk)
    client.post(url("_walk_in", window.pk), {"name": "王五"})
    client.post(url("_call", window.pk))
    ticket = QueueTicket.objects.get()
    client.post(url("_ticket", window.pk, ticket.pk, "served"))

    again = client.post(url("_ticket", window.pk, ticket.pk, "served"), follow=True)

    assert again.status_code == 200
    assert "not being called" in [str(m) for m in again.context["messages"]][-1]


def test_it_books_a_time_for_a_visitor_in_the_staff_places(client, clerk, window, permit_item, citizen):
    day = timezone.localdate() + timedelta(days=3)
    slot = today_slot(window, 10, day=day)
    client.force_login(clerk)

    response = client.post(
        f"{url('_book', window.pk)}?day={day:%Y-%m-%d}",
        {"id_number": citizen.id_number, "item": permit_item.pk, "slot": slot.pk},
    )

    assert response.status_code == 302
    appointment = Appointment.objects.get(holder=citizen)
    assert appointment.channel == Appointment.Channel.STAFF
    assert appointment.booked_by == clerk
    slot.refresh_from_db()
    assert (slot.booked_staff, slot.booked_online) == (1, 0)


def test_booking_for_an_unknown_id_number_says_so(client, clerk, window):
    day = timezone.localdate() + timedelta(days=3)
    slot = today_slot(window, 10, day=day)
    client.force_login(clerk)

    response = client.post(
        f"{url('_book', window.pk)}?day={day:%Y-%m-%d}", {"id_number": factories.id_number(), "slot": slot.pk}
    )

    assert response.status_code == 200
    assert "No account has this number" in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "administrator", "reviewer"])
def test_only_clerks_open_the_desk(client, request, window, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url("_index")).status_code == 403
    assert client.get(url("", window.pk)).status_code == 403
    assert client.post(url("_walk_in", window.pk), {"name": "王五"}).status_code == 403
    assert not QueueTicket.objects.exists()


def test_the_home_page_shows_clerks_the_desk_with_todays_bookings_to_check_in(
    clerk, supervisor, window, permit_item, citizen
):
    booking(window, citizen, permit_item)

    rows = {row.name: row for row in work_queues.queues_for(clerk)}

    assert rows["appointments.desk"].count == 1
    assert rows["appointments.desk"].url == url("_index")
    assert "appointments.desk" not in {row.name for row in work_queues.queues_for(supervisor)}


def _desk_queries(client, window) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("", window.pk)).status_code == 200
    return len(queries)


def test_the_desk_runs_the_same_queries_for_one_or_many_visitors(client, clerk, window, permit_item, citizen):
    client.force_login(clerk)
    booking(window, citizen, permit_item)
    client.post(url("_walk_in", window.pk), {"name": "王五"})
    one = _desk_queries(client, window)

    for n in range(6):
        holder = factories.citizen(f"visitor{n}", "访客")
        booking(window, holder, permit_item, slot=today_slot(window, 11 + n))
        client.post(url("_walk_in", window.pk), {"name": f"访客{n}"})
    client.post(url("_call", window.pk))

    assert _desk_queries(client, window) == one


def test_the_admin_home_links_clerks_to_the_desk(client, clerk, window):
    client.force_login(clerk)

    page = client.get(reverse("admin:index")).content.decode()

    assert url("_index") in page
