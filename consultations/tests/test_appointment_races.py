"""200 people booking the same slot of 10 places at the same moment: exactly 10 bookings (PostgreSQL)."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from consultations.appointments import services
from consultations.models import Appointment, Slot
from consultations.tests import appointment_factories as af
from portal.services import calendar_load_official
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PEOPLE = 200
PLACES = 10
# PostgreSQL allows 100 connections by default: 50 threads, each sending its share of the 200
# bookings, all released at once.
THREADS = 50


def test_two_hundred_bookings_for_ten_places_make_ten_and_tell_the_rest_it_was_just_taken(
    requires_postgresql, permit_item
):
    calendar_load_official()
    window = af.counter(departments=[permit_item.department], online_capacity=PLACES, staff_capacity=0)
    day = date.today() + timedelta(days=3)
    while not services.opens_on(window, day):
        day += timedelta(days=1)
    slot = af.slots(window, day)[0]
    people = [
        portal_factories.citizen(
            f"p{i:03d}", "预约人", id_number=portal_factories.id_number(birth=f"1980{1 + i // 28:02d}{1 + i % 28:02d}")
        )
        for i in range(PEOPLE)
    ]
    now = datetime.now(tz=ZoneInfo("Asia/Shanghai"))
    barrier = threading.Barrier(THREADS)
    outcomes: list = []
    lock = threading.Lock()

    def run(share):
        try:
            barrier.wait()
            for person in share:
                try:
                    services.appointment_book(holder=person, slot_id=slot.pk, item=permit_item, now=now)
                    result = "booked"
                except services.SlotTaken:
                    result = "taken"
                except Exception as error:  # recorded: the test fails on any other outcome
                    result = error
                with lock:
                    outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(people[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    errors = [o for o in outcomes if not isinstance(o, str)]
    assert errors == []
    assert outcomes.count("booked") == PLACES
    assert outcomes.count("taken") == PEOPLE - PLACES
    assert Appointment.objects.filter(slot=slot).count() == PLACES
    assert Slot.objects.get(pk=slot.pk).booked_online == PLACES
