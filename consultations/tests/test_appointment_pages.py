"""The citizen's appointment pages: booking, one's appointment, the cancel link, guide and personal centre."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from approvals.tests import factories as approval_factories
from consultations.appointments import services
from consultations.models import Appointment, BookingSuspension, Slot
from consultations.tests import appointment_factories as af
from portal import page_cache
from portal.services import calendar_load_official

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 10, 12)
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


FRIDAY_MORNING = at(2026, 10, 9, 10, 0)
STAFF_REFUSAL = gettext(
    "Staff accounts do not book here: book for a caller or a visitor from the hall's pages in the admin."
)


@pytest.fixture(autouse=True)
def friday():
    """Every page here is seen on Friday 9 October 2026, 10:00 in Shanghai (the Monday after is bookable)."""
    with time_machine.travel(FRIDAY_MORNING, tick=False):
        yield


@pytest.fixture
def window(db, permit_item):
    calendar_load_official()
    counter = af.counter(departments=[permit_item.department], online_capacity=2, staff_capacity=1)
    counter.location = "一楼东侧"
    counter.save()
    return counter


@pytest.fixture
def monday_slots(window):
    return af.slots(window, MONDAY)


@pytest.fixture
def booked(citizen, permit_item, monday_slots):
    return services.appointment_book(holder=citizen, slot_id=monday_slots[0].pk, item=permit_item, now=FRIDAY_MORNING)


def _book_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("consultations:appointments") + (f"?{query}" if query else "")


def _cancel_url(appointment) -> str:
    return reverse("consultations:appointment_cancel", args=[appointment.code])


# --- booking --------------------------------------------------------------------------------


def test_it_sends_an_anonymous_visitor_to_log_in(client):
    response = client.get(_book_url())

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_staff_are_told_the_booking_page_is_not_for_them(client, clerk):
    client.force_login(clerk)

    response = client.get(_book_url())

    assert response.status_code == 403
    assert escape(STAFF_REFUSAL) in response.content.decode()


def test_it_offers_the_days_with_their_free_places_and_then_the_times(client, citizen, permit_item, window):
    af.slots(window, MONDAY, date(2026, 10, 13))
    client.force_login(citizen)

    days_page = client.get(_book_url(item=permit_item.code)).content.decode()
    times_page = client.get(_book_url(item=permit_item.code, counter=window.pk, day="2026-10-12")).content.decode()

    assert "day=2026-10-12" in days_page and "day=2026-10-13" in days_page
    assert "52" in days_page  # 26 slots of 2 online places each
    first = Slot.objects.filter(counter=window, day=MONDAY).order_by("starts_at").first()
    assert f'value="{first.pk}"' in times_page
    assert "09:00" in times_page


def test_booking_a_time_shows_the_code_window_place_and_what_to_bring(client, citizen, permit_item, monday_slots):
    client.force_login(citizen)

    response = client.post(
        _book_url(), {"item": permit_item.code, "counter": monday_slots[0].counter_id, "slot": monday_slots[1].pk}
    )

    appointment = Appointment.objects.get(holder=citizen)
    assert response.status_code == 302 and response["Location"] == appointment.get_absolute_url()
    page = client.get(appointment.get_absolute_url()).content.decode()
    assert appointment.code in page
    assert "一楼东侧" in page and "09:15" in page
    assert all(material.name in page for material in permit_item.materials.all())
    assert 'name="action" value="cancel"' in page


def test_a_time_just_taken_is_said_so_and_the_next_free_times_are_offered_as_buttons(
    client, citizen, other_citizen, enterprise, permit_item, monday_slots
):
    first = monday_slots[0]
    client.force_login(citizen)
    client.get(_book_url(item=permit_item.code, counter=first.counter_id, day="2026-10-12"))  # the page is open...
    for person in (other_citizen, enterprise):  # ...while two others take the last places
        services.appointment_book(holder=person, slot_id=first.pk, item=permit_item, now=FRIDAY_MORNING)

    response = client.post(_book_url(), {"item": permit_item.code, "counter": first.counter_id, "slot": first.pk})

    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="taken"' in page
    assert f'name="slot" value="{monday_slots[1].pk}"' in page
    assert not Appointment.objects.filter(holder=citizen).exists()


def test_a_suspended_citizen_is_told_until_when_and_the_booking_is_refused(client, citizen, permit_item, monday_slots):
    BookingSuspension.objects.create(user=citizen, starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 31), no_shows=3)
    client.force_login(citizen)

    shown = client.get(_book_url(item=permit_item.code)).content.decode()
    response = client.post(_book_url(), {"item": permit_item.code, "slot": monday_slots[0].pk})

    assert "2026" in shown and "10" in shown and 'class="alert alert-warning"' in shown
    assert response.status_code == 400
    assert "31" in response.content.decode()
    assert not Appointment.objects.filter(holder=citizen).exists()


def test_a_refused_booking_keeps_the_choice_and_says_why(client, citizen, permit_item, monday_slots, settings):
    settings.APPOINTMENT_MAX_OPEN = 0
    client.force_login(citizen)

    response = client.post(
        _book_url(),
        {
            "item": permit_item.code,
            "counter": monday_slots[0].counter_id,
            "day": "2026-10-12",
            "slot": monday_slots[0].pk,
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="alert alert-danger' in page
    assert f'value="{monday_slots[0].pk}"' in page  # the times of the day are still offered


def test_a_time_no_longer_offered_is_refused_with_a_message(client, citizen, permit_item, monday_slots):
    client.force_login(citizen)

    response = client.post(_book_url(), {"item": permit_item.code, "slot": monday_slots[-1].pk + 1000})

    assert response.status_code == 400
    assert escape(gettext("That time is no longer offered; choose another one.")) in response.content.decode()


def test_the_application_link_preselects_its_item_and_links_its_reference(client, citizen, permit_item, window):
    application = approval_factories.submitted(permit_item, citizen)
    af.slots(window, MONDAY)
    client.force_login(citizen)

    page = client.get(_book_url(application=application.reference)).content.decode()
    slot = Slot.objects.filter(counter=window, day=MONDAY).order_by("starts_at").first()
    client.post(_book_url(), {"application": application.reference, "slot": slot.pk})

    assert permit_item.name in page and application.reference in page
    assert Appointment.objects.get(holder=citizen).application == application


def test_another_persons_application_is_not_offered(client, citizen, other_citizen, permit_item, window):
    application = approval_factories.submitted(permit_item, other_citizen)
    client.force_login(citizen)

    page = client.get(_book_url(application=application.reference)).content.decode()

    assert f">{application.reference}</a>" not in page
    assert 'name="item"' in page  # the item is to be chosen instead


# --- one's appointment ------------------------------------------------------------------------


def test_another_citizen_gets_404_on_an_appointment(client, other_citizen, booked):
    client.force_login(other_citizen)

    assert client.get(booked.get_absolute_url()).status_code == 404
    assert client.post(booked.get_absolute_url(), {"action": "cancel"}).status_code == 404
    booked.refresh_from_db()
    assert booked.state == Appointment.State.BOOKED


def test_an_anonymous_visitor_gets_404_on_an_appointment(client, booked):
    assert client.get(booked.get_absolute_url()).status_code == 404


def test_the_holder_cancels_by_post(client, citizen, booked):
    client.force_login(citizen)

    client.post(booked.get_absolute_url(), {"action": "cancel"})

    booked.refresh_from_db()
    assert booked.state == Appointment.State.CANCELLED
    assert Slot.objects.get(pk=booked.slot_id).booked_online == 0


def test_a_cancel_after_the_deadline_is_refused_with_the_services_message(client, citizen, booked, settings):
    with time_machine.travel(at(2026, 10, 12, 8, 0), tick=False):
        client.force_login(citizen)
        response = client.post(booked.get_absolute_url(), {"action": "cancel"}, follow=True)

    booked.refresh_from_db()
    assert booked.state == Appointment.State.BOOKED
    refusal = gettext("Appointments can be changed or cancelled until %(hours)s hours before their time.")
    assert escape(refusal % {"hours": settings.APPOINTMENT_CHANGE_UNTIL_HOURS}) in response.content.decode()


def test_the_holder_moves_the_appointment_to_another_time_of_the_window(client, citizen, booked, monday_slots):
    client.force_login(citizen)

    offered = client.get(f"{booked.get_absolute_url()}?change=1&day=2026-10-12").content.decode()
    response = client.post(booked.get_absolute_url(), {"action": "change", "slot": monday_slots[4].pk})

    moved = Appointment.objects.get(holder=citizen, state=Appointment.State.BOOKED)
    assert f'value="{monday_slots[4].pk}"' in offered
    assert response["Location"] == moved.get_absolute_url()
    assert moved.slot_id == monday_slots[4].pk
    assert Slot.objects.get(pk=monday_slots[0].pk).booked_online == 0


# --- cancelling from a link -------------------------------------------------------------------


def test_a_get_on_the_cancel_link_changes_nothing(client, booked):
    response = client.get(_cancel_url(booked))

    booked.refresh_from_db()
    assert response.status_code == 200
    assert 'name="id_tail"' in response.content.decode()
    assert booked.state == Appointment.State.BOOKED


def test_a_post_with_the_right_id_tail_cancels(client, citizen, booked):
    response = client.post(_cancel_url(booked), {"id_tail": citizen.id_number[-4:].lower()})

    booked.refresh_from_db()
    assert response.status_code == 200
    assert booked.state == Appointment.State.CANCELLED
    assert Slot.objects.get(pk=booked.slot_id).booked_online == 0


def test_a_wrong_id_tail_is_refused_and_cancels_nothing(client, citizen, booked):
    wrong = "0000" if citizen.id_number[-4:] != "0000" else "1111"

    response = client.post(_cancel_url(booked), {"id_tail": wrong})

    booked.refresh_from_db()
    assert response.status_code == 400
    assert "alert" in response.content.decode()
    assert booked.state == Appointment.State.BOOKED


def test_the_cancel_link_is_limited_per_address(client, citizen, booked):
    for _ in range(10):
        client.post(_cancel_url(booked), {"id_tail": "XXXX"})

    response = client.post(_cancel_url(booked), {"id_tail": citizen.id_number[-4:]})

    booked.refresh_from_db()
    assert response.status_code == 429
    assert booked.state == Appointment.State.BOOKED


# --- sections of the guide and the personal centre --------------------------------------------


def _section(response) -> str:
    """Return the "my appointments" section of the personal centre (the notifications name codes too)."""
    return response.content.decode().split('id="appointments"')[1].split("</div></div>")[0]


def test_the_guide_of_an_item_needing_a_visit_offers_a_booking_and_its_windows(client, construction_department):
    calendar_load_official()
    item = approval_factories.item(construction_department, code="ZJJ-BA-0003", depth=3)
    af.counter(number="A7", prefix="G", name="建设窗口", items=[item])

    page = client.get(item.get_absolute_url()).content.decode()

    assert f"/appointments/?item={item.code}" in page
    assert "A7" in page and "建设窗口" in page


def test_a_new_window_shows_on_the_held_guide_at_once(client, construction_department):
    item = approval_factories.item(construction_department, code="ZJJ-BA-0005", depth=3)
    assert "建设窗口" not in client.get(item.get_absolute_url()).content.decode()

    window = af.counter(number="A8", prefix="J", name="建设窗口", items=[item])
    assert "建设窗口" in client.get(item.get_absolute_url()).content.decode()

    window.items.remove(item)
    assert "建设窗口" not in client.get(item.get_absolute_url()).content.decode()


def test_the_guide_of_a_fully_online_item_offers_no_booking(client, permit_item, window):
    page = client.get(permit_item.get_absolute_url()).content.decode()

    assert "/appointments/?item=" not in page


def test_the_guide_section_costs_the_same_queries_with_one_window_or_many(client, construction_department):
    item = approval_factories.item(construction_department, code="ZJJ-BA-0004", depth=3)
    af.counter(number="C1", prefix="C", items=[item])
    with CaptureQueriesContext(connection) as one:
        client.get(item.get_absolute_url())
    for n, letter in enumerate("DEFGH"):
        af.counter(number=f"C{n + 2}", prefix=letter, items=[item], departments=[construction_department])
    page_cache.clear()  # both renderings read the item, as the first did
    with CaptureQueriesContext(connection) as many:
        client.get(item.get_absolute_url())

    assert len(many) == len(one)


def test_my_appointments_show_code_window_time_and_the_closure_flag(client, citizen, booked, administrator):
    services.closure_add(counter=booked.counter, day=MONDAY, reason="设备检修", actor=administrator)
    client.force_login(citizen)

    page = _section(client.get(reverse("me")))

    assert booked.code in page and booked.counter.number in page and "09:00" in page
    assert 'class="small text-danger fw-semibold"' in page


def test_my_appointments_cost_the_same_queries_with_one_row_or_many(client, citizen, permit_item, window, settings):
    settings.APPOINTMENT_MAX_OPEN = 10
    days = [MONDAY + timedelta(days=n) for n in range(5)]
    slots = [af.slots(window, day)[0] for day in days]
    services.appointment_book(holder=citizen, slot_id=slots[0].pk, item=permit_item, now=FRIDAY_MORNING)
    client.force_login(citizen)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("me"))
    for slot in slots[1:3]:
        services.appointment_book(holder=citizen, slot_id=slot.pk, item=permit_item, now=FRIDAY_MORNING)
    for slot in slots[3:]:
        services.appointment_book(holder=citizen, slot_id=slot.pk, now=FRIDAY_MORNING)
    for appointment in Appointment.objects.filter(holder=citizen)[:2]:
        services.appointment_cancel(appointment_id=appointment.pk, now=FRIDAY_MORNING)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("me"))

    assert len(many) == len(one)


def test_my_appointments_are_paginated(client, citizen, window, settings):
    settings.APPOINTMENT_MAX_OPEN = 20
    slots = af.slots(window, MONDAY)
    for slot in slots[:12]:
        services.appointment_book(holder=citizen, slot_id=slot.pk, now=FRIDAY_MORNING)
    client.force_login(citizen)

    first = _section(client.get(reverse("me")))
    second = _section(client.get(reverse("me") + "?apage=2"))

    codes = list(Appointment.objects.filter(holder=citizen).order_by("slot__starts_at").values_list("code", flat=True))
    assert codes[0] in first and codes[-1] not in first
    assert codes[-1] in second


def test_a_citizen_sees_only_their_own_appointments_in_the_personal_centre(client, other_citizen, booked):
    client.force_login(other_citizen)

    assert booked.code not in _section(client.get(reverse("me")))


def test_an_application_that_needs_a_visit_links_to_booking_with_its_reference(client, citizen, permit_item):
    from approvals.tests import factories as approval_factories  # noqa: PLC0415

    permit_item.online_depth = 3  # one visit, to collect the result
    permit_item.save()
    application = approval_factories.submitted(permit_item, citizen)
    client.force_login(citizen)

    page = client.get(reverse("approvals:application_detail", args=[application.reference])).content.decode()

    assert f"/appointments/?application={application.reference}" in page
