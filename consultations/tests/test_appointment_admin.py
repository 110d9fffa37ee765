"""The appointments' admin: windows and rules, closures, slots and bookings, per role."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.appointments import services
from consultations.models import Appointment, Closure, Counter, Slot
from consultations.tests import appointment_factories as af
from portal.models import Notification
from portal.tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def slot_on(window, day: date, hour=9) -> Slot:
    start = datetime.combine(day, time(hour), timezone.get_current_timezone())
    return Slot.objects.create(
        counter=window,
        day=day,
        starts_at=start,
        ends_at=start + timedelta(minutes=15),
        online_capacity=2,
        staff_capacity=1,
    )


def book(window, holder, item, day, hour=9) -> Appointment:
    slot = slot_on(window, day, hour)
    return services.appointment_book(
        holder=holder,
        slot_id=slot.pk,
        item=item,
        now=datetime.combine(day - timedelta(days=2), time(10), timezone.get_current_timezone()),
    )


def rule_post(window, **rule) -> dict:
    values = {
        "weekdays": "1,2,3,4,5",
        "hours": "09:00-12:00",
        "slot_minutes": 30,
        "book_from_days": 1,
        "book_until_days": 7,
        "online_capacity": 3,
        "staff_capacity": 1,
        **rule,
    }
    data = {
        "number": window.number,
        "name": window.name,
        "prefix": window.prefix,
        "location": "",
        "is_active": "on",
        "departments": [d.pk for d in window.departments.all()],
        "rule-TOTAL_FORMS": 1,
        "rule-INITIAL_FORMS": 1,
        "rule-MIN_NUM_FORMS": 0,
        "rule-MAX_NUM_FORMS": 1,
        "rule-0-id": window.rule.pk,
        "rule-0-counter": window.pk,
    }
    data.update({f"rule-0-{key}": value for key, value in values.items()})
    return data


@pytest.mark.parametrize("who", ["clerk", "supervisor"])
def test_clerks_and_supervisors_read_windows_but_do_not_edit_them(client, request, window, who):
    client.force_login(request.getfixturevalue(who))

    page = client.get(reverse("admin:consultations_counter_change", args=[window.pk]))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = client.post(reverse("admin:consultations_counter_change", args=[window.pk]), rule_post(window))
    assert response.status_code == 403
    assert Counter.objects.get(pk=window.pk).rule.slot_minutes == 15


def test_a_reviewer_without_the_role_sees_no_window_slot_or_booking(client, reviewer, window):
    client.force_login(reviewer)

    for name in ("counter", "slot", "appointment", "queueticket", "closure"):
        assert client.get(reverse(f"admin:consultations_{name}_changelist")).status_code == 403


def test_saving_a_rule_regenerates_the_future_free_slots_and_keeps_booked_ones(
    client, administrator, window, permit_item, citizen
):
    future = timezone.localdate() + timedelta(days=3)
    booked = book(window, citizen, permit_item, future, hour=9).slot
    free = slot_on(window, future, hour=10)
    client.force_login(administrator)

    response = client.post(reverse("admin:consultations_counter_change", args=[window.pk]), rule_post(window))

    assert response.status_code == 302
    assert Slot.objects.filter(pk=booked.pk).exists()
    assert not Slot.objects.filter(pk=free.pk).exists()
    assert not Slot.objects.filter(counter=window, online_capacity=2).exclude(pk=booked.pk).exists()


def test_saving_a_rule_keeps_a_future_slot_whose_only_booking_was_cancelled(
    client, administrator, window, permit_item, citizen
):
    future = timezone.localdate() + timedelta(days=3)
    appointment = book(window, citizen, permit_item, future)
    services.appointment_cancel(appointment_id=appointment.pk, now=timezone.now())
    client.force_login(administrator)

    response = client.post(reverse("admin:consultations_counter_change", args=[window.pk]), rule_post(window))

    assert response.status_code == 302  # the cancelled booking's slot is kept, not a 500
    assert Slot.objects.filter(pk=appointment.slot_id).exists()


def test_a_clerk_closes_a_day_through_the_service_and_reads_how_many_bookings_were_flagged(
    client, clerk, window, permit_item, citizen, other_citizen
):
    day = timezone.localdate() + timedelta(days=4)
    book(window, citizen, permit_item, day, 9)
    book(window, other_citizen, permit_item, day, 10)
    client.force_login(clerk)

    response = client.post(
        reverse("admin:consultations_closure_add"),
        {"counter": window.pk, "day": day, "reason": "系统维护"},
        follow=True,
    )

    assert "2 bookings were flagged" in [str(m) for m in response.context["messages"]][-1]
    assert Appointment.objects.filter(closure_flagged=True).count() == 2
    assert Notification.objects.filter(kind="appointment_closure").count() == 2
    assert response.context["cl"].result_list[0].flagged_window == 2


def test_closing_a_day_twice_shows_the_services_message(client, administrator, window):
    day = timezone.localdate() + timedelta(days=4)
    services.closure_add(counter=window, day=day, reason="维护", actor=administrator)
    client.force_login(administrator)

    response = client.post(
        reverse("admin:consultations_closure_add"), {"counter": window.pk, "day": day, "reason": "x"}
    )

    assert response.status_code == 200
    assert "already closed" in response.content.decode()
    assert Closure.objects.count() == 1


def test_nobody_edits_or_deletes_a_closure(client, administrator, window):
    closure = services.closure_add(counter=window, day=timezone.localdate(), reason="维护", actor=administrator)
    client.force_login(administrator)

    post = client.post(reverse("admin:consultations_closure_change", args=[closure.pk]), {"reason": "other"})
    assert post.status_code == 403
    assert (
        client.post(reverse("admin:consultations_closure_delete", args=[closure.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Closure.objects.get().reason == "维护"


def test_a_supervisor_may_not_close_a_day(client, supervisor, window):
    client.force_login(supervisor)

    response = client.post(
        reverse("admin:consultations_closure_add"), {"counter": window.pk, "day": timezone.localdate(), "reason": "x"}
    )

    assert response.status_code == 403
    assert not Closure.objects.exists()


def test_the_slot_list_shows_booked_and_free_places_and_is_read_only(client, clerk, window, permit_item, citizen):
    book(window, citizen, permit_item, timezone.localdate() + timedelta(days=2))
    client.force_login(clerk)

    response = client.get(reverse("admin:consultations_slot_changelist"))

    page = response.content.decode()
    assert "1 / 2" in page  # booked online of the places online
    assert response.context["cl"].model_admin.free(response.context["cl"].result_list[0]) == 2
    assert not response.context["has_add_permission"]


def test_the_appointment_list_masks_the_holders_id_number(client, clerk, window, permit_item, citizen):
    book(window, citizen, permit_item, timezone.localdate() + timedelta(days=2))
    client.force_login(clerk)

    page = client.get(reverse("admin:consultations_appointment_changelist")).content.decode()

    assert citizen.masked_id_number in page
    assert citizen.id_number not in page
    assert citizen.display_name in page


@pytest.mark.parametrize(
    "query", ["when=today", "when=week", "when=past", "state__exact=booked", "counter__id__exact=1"]
)
def test_the_appointment_list_accepts_its_declared_filters(client, supervisor, window, query):
    client.force_login(supervisor)

    assert client.get(f"{reverse('admin:consultations_appointment_changelist')}?{query}").status_code == 200


def test_the_appointment_list_refuses_a_filter_on_the_id_number(client, supervisor, window):
    client.force_login(supervisor)

    response = client.get(f"{reverse('admin:consultations_appointment_changelist')}?holder__id_number_hash=x")

    assert response.status_code == 400


def test_nobody_changes_a_booking_in_the_admin(client, clerk, window, permit_item, citizen):
    appointment = book(window, citizen, permit_item, timezone.localdate() + timedelta(days=2))
    client.force_login(clerk)

    response = client.post(
        reverse("admin:consultations_appointment_change", args=[appointment.pk]), {"state": "cancelled"}
    )

    assert response.status_code == 403
    assert Appointment.objects.get().state == Appointment.State.BOOKED


def _list_queries(client, name) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(f"admin:consultations_{name}_changelist")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["appointment", "slot", "closure", "counter", "queueticket"])
def test_the_lists_run_the_same_queries_for_one_row_or_many(client, supervisor, administrator, permit_item, name):
    client.force_login(administrator if name in ("closure", "counter") else supervisor)
    day = timezone.localdate() + timedelta(days=2)
    windows = [af.counter(number=f"A{n}", prefix="ABCDEF"[n], departments=[permit_item.department]) for n in range(4)]
    holders = [factories.citizen(f"holder{n}", "持有人") for n in range(4)]

    def add(n):
        book(windows[n], holders[n], permit_item, day, 9)
        services.closure_add(counter=windows[n], day=day + timedelta(days=n + 1), reason="维护", actor=administrator)
        services.walk_in_ticket(counter=windows[n], name="王五", actor=administrator)

    add(0)
    one = _list_queries(client, name)
    for n in range(1, 4):
        add(n)

    assert _list_queries(client, name) == one
