"""The appointments' Celery tasks and their beat entries: thin, found by autodiscover, safe to run twice."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings

from consultations.appointments import services
from consultations.appointments import tasks as appointment_tasks
from consultations.models import Appointment, BookingSuspension, Slot
from consultations.tests import appointment_factories as af
from portal.celery import app
from portal.models import Notification
from portal.services import calendar_load_official

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def official_calendar(db):
    calendar_load_official()


def test_it_finds_the_tasks_through_the_apps_tasks_module():
    app.loader.import_default_modules()

    for name in ("appointment_slots_ahead", "appointment_reminders", "appointment_no_shows"):
        assert f"consultations.appointments.tasks.{name}" in app.tasks


@pytest.mark.parametrize(
    ("entry", "task", "hour", "minute"),
    [
        ("appointment-slots-ahead", "appointment_slots_ahead", 1, 0),
        ("appointment-reminders", "appointment_reminders", 18, 0),
        ("appointment-no-shows", "appointment_no_shows", 0, 30),
    ],
)
def test_it_schedules_each_task_daily_at_its_hour(entry, task, hour, minute):
    scheduled = settings.CELERY_BEAT_SCHEDULE[entry]

    assert scheduled["task"] == f"consultations.appointments.tasks.{task}"
    assert scheduled["schedule"] == crontab(hour=hour, minute=minute)


def test_it_sends_one_reminder_when_the_reminder_task_runs_twice(
    official_calendar, window, permit_item, citizen, other_citizen
):
    slots = af.slots(window, date(2026, 10, 13))  # a Tuesday
    for person, slot in ((citizen, slots[0]), (other_citizen, slots[1])):
        services.appointment_book(holder=person, slot_id=slot.pk, item=permit_item, now=at(2026, 10, 9, 10, 0))

    with time_machine.travel(at(2026, 10, 12, 18, 0), tick=False):
        first = appointment_tasks.appointment_reminders.delay().get()
        second = appointment_tasks.appointment_reminders.delay().get()

    assert (first, second) == (2, 0)
    assert Notification.objects.filter(user=citizen, kind="appointment_reminder").count() == 1
    assert Notification.objects.filter(user=other_citizen, kind="appointment_reminder").count() == 1


def test_it_generates_the_slots_ahead_once_when_the_slot_task_runs_twice(official_calendar, window):
    with time_machine.travel(at(2026, 10, 12, 1, 0), tick=False):
        first = appointment_tasks.appointment_slots_ahead.delay().get()
        second = appointment_tasks.appointment_slots_ahead.delay().get()

    # 12 to 26 October (14 days ahead): 11 working days of 26 slots each.
    assert first == 11 * 26
    assert second == 0
    assert Slot.objects.filter(counter=window).count() == first


def test_it_marks_a_no_show_once_and_suspends_on_the_third_when_the_no_show_task_runs_twice(
    official_calendar, window, permit_item, citizen
):
    for day in (date(2026, 10, 12), date(2026, 10, 13), date(2026, 10, 14)):
        slot = af.slots(window, day)[0]
        services.appointment_book(holder=citizen, slot_id=slot.pk, item=permit_item, now=at(2026, 10, 9, 10, 0))

    with time_machine.travel(at(2026, 10, 15, 0, 30), tick=False):
        first = appointment_tasks.appointment_no_shows.delay().get()
        second = appointment_tasks.appointment_no_shows.delay().get()

    assert first == "3 no-shows, 1 suspended"
    assert second == "0 no-shows, 0 suspended"
    assert Appointment.objects.filter(holder=citizen, state=Appointment.State.NO_SHOW).count() == 3
    assert BookingSuspension.objects.filter(user=citizen).count() == 1
