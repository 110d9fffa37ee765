"""The demo windows, slots, bookings and queue seed_demo loads: a live hall whatever the day, idempotent."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from approvals.models import ServiceItem
from consultations.appointments import services
from consultations.appointments.demo import hall_day
from consultations.models import Appointment, Counter, QueueTicket, Slot
from portal import demo

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def without_other_demo_work(settings, monkeypatch):
    """Leave out the applications, certificates, print jobs and questions (tested in their apps)."""
    for name in ("applications", "licenses", "printing", "consultations"):
        monkeypatch.delitem(demo._loaders, name)
    settings.DEBUG = True


@pytest.fixture
def seeded(without_other_demo_work):
    call_command("seed_demo", verbosity=0)


def _counts():
    return (
        Counter.objects.count(),
        Slot.objects.count(),
        Appointment.objects.count(),
        QueueTicket.objects.count(),
    )


def _queue_day():
    return hall_day(Counter.objects.get(prefix="A"), timezone.localdate())


def test_it_makes_windows_with_a_letter_and_an_opening_rule(seeded):
    windows = Counter.objects.select_related("rule").order_by("number")

    assert [w.prefix for w in windows] == ["A", "B", "C", "D"]
    assert all(w.rule.online_capacity > 0 for w in windows)


@pytest.mark.parametrize(
    ("code", "letter"),
    [("ZJJ-QR-0002", "A"), ("SCJG-QR-0004", "B"), ("GAJ-XK-0001", "C"), ("XFZD-XK-0002", "D"), ("ZRZYJ-QR-0002", "D")],
)
def test_it_makes_the_windows_serve_the_demo_items_needing_a_visit(seeded, code, letter):
    item = ServiceItem.objects.get(code=code)

    assert item.visits_needed >= 1
    assert [w.prefix for w in services.counters_for(item)] == [letter]


def test_it_generates_the_slots_of_every_open_day_one_may_book(seeded):
    today = timezone.localdate()
    window = Counter.objects.get(prefix="B")
    days = [today + timedelta(days=n) for n in range(window.rule.book_until_days + 1)]
    open_days = [day for day in days if services.opens_on(window, day)]

    assert set(window.slots.filter(day__in=days).values_list("day", flat=True)) == set(open_days)


def test_it_gives_the_demo_citizen_and_enterprise_bookings(seeded):
    for username in ("zhangsan", "huaxia"):
        assert Appointment.objects.filter(holder__username=username).count() >= 2


def test_it_makes_a_queue_on_the_hall_day_waiting_called_served_and_a_walk_in(seeded):
    tickets = QueueTicket.objects.filter(day=_queue_day(), counter__prefix="A")
    states = {t.label: t.state for t in tickets}

    assert [t.label for t in tickets.order_by("number")] == ["A001", "A002", "A003", "A004", "A005", "A006"]
    assert (states["A001"], states["A002"]) == (QueueTicket.State.SERVED, QueueTicket.State.SERVED)
    assert states["A003"] == QueueTicket.State.CALLED
    assert [states[label] for label in ("A004", "A005", "A006")] == [QueueTicket.State.WAITING] * 3
    assert tickets.get(walk_in=True).label == "A005"


def test_it_calls_the_enterprise_at_window_b(seeded):
    called = QueueTicket.objects.get(day=_queue_day(), counter__prefix="B", state=QueueTicket.State.CALLED)

    assert called.appointment.holder.username == "huaxia"


def test_it_leaves_one_past_no_show(seeded):
    no_show = Appointment.objects.get(state=Appointment.State.NO_SHOW)

    assert no_show.day < timezone.localdate()
    assert services.suspension_of(no_show.holder) is None


def test_it_is_idempotent(seeded):
    first = _counts()

    call_command("seed_demo", verbosity=0)

    assert _counts() == first


@pytest.mark.parametrize(
    ("moment", "queue_day"),
    [
        (datetime(2026, 10, 3, 10, 0, tzinfo=SHANGHAI), datetime(2026, 10, 8).date()),  # National Day (1-7 October)
        (datetime(2026, 10, 11, 15, 0, tzinfo=SHANGHAI), datetime(2026, 10, 12).date()),  # a Sunday
        (datetime(2026, 10, 10, 11, 0, tzinfo=SHANGHAI), datetime(2026, 10, 10).date()),  # a make-up Saturday
        (datetime(2026, 10, 14, 21, 0, tzinfo=SHANGHAI), datetime(2026, 10, 14).date()),  # an evening
    ],
)
def test_it_puts_the_queue_on_today_or_the_next_open_day_whenever_it_runs(without_other_demo_work, moment, queue_day):
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", verbosity=0)

    assert _queue_day_of(queue_day) == {"A001", "A002", "A003", "A004", "A005", "A006"}
    assert Appointment.objects.filter(state=Appointment.State.NO_SHOW).count() == 1


def _queue_day_of(day):
    return set(QueueTicket.objects.filter(day=day, counter__prefix="A").values_list("label", flat=True))
