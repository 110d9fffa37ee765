"""The hall's call display (/hall/display/): numbers being called and their window, nothing personal."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.appointments import services
from consultations.tests import appointment_factories as af
from portal.services import calendar_load_official

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 10, 12)
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def window(db, permit_item):
    calendar_load_official()
    return af.counter(number="A1", prefix="A", departments=[permit_item.department])


@pytest.fixture
def second_window(db, market_department):
    return af.counter(number="B2", prefix="B", name="市场窗口", departments=[market_department])


def _display(client, moment=None):
    with time_machine.travel(moment or at(2026, 10, 12, 9, 30), tick=False):
        return client.get(reverse("consultations:hall_display"))


def test_it_shows_the_numbers_being_called_with_their_window(client, window, second_window, clerk):
    moment = at(2026, 10, 12, 9, 5)
    for counter, name in ((window, "路人甲"), (window, "路人乙"), (second_window, "路人丙")):
        services.walk_in_ticket(counter=counter, name=name, actor=clerk, now=moment)
    services.call_next(counter=window, actor=clerk, now=at(2026, 10, 12, 9, 10))
    services.call_next(counter=second_window, actor=clerk, now=at(2026, 10, 12, 9, 11))

    page = _display(client).content.decode()

    calling = page.split('class="hall-calling"')[1].split("</ul>")[0]
    assert "A001" in calling and "A1" in calling
    assert "B001" in calling and "B2" in calling
    assert "A002" not in page  # waiting, not called


def test_it_shows_the_last_numbers_called_apart_from_those_called_now(client, window, clerk):
    for name in ("路人甲", "路人乙"):
        services.walk_in_ticket(counter=window, name=name, actor=clerk, now=at(2026, 10, 12, 9, 5))
    first = services.call_next(counter=window, actor=clerk, now=at(2026, 10, 12, 9, 10))
    services.ticket_finish(ticket_id=first.pk, served=True, actor=clerk, now=at(2026, 10, 12, 9, 20))
    services.call_next(counter=window, actor=clerk, now=at(2026, 10, 12, 9, 21))

    page = _display(client).content.decode()

    assert "A002" in page.split('class="hall-calling"')[1].split("</ul>")[0]
    assert "A001" in page.split('class="hall-recent"')[1]


def test_it_shows_no_names_of_visitors(client, window, permit_item, citizen, clerk):
    slot = af.slots(window, MONDAY)[0]
    booked = services.appointment_book(holder=citizen, slot_id=slot.pk, item=permit_item, now=at(2026, 10, 9, 10, 0))
    services.check_in(appointment_id=booked.pk, actor=clerk, now=at(2026, 10, 12, 8, 55))
    services.walk_in_ticket(counter=window, name="路人甲", actor=clerk, now=at(2026, 10, 12, 9, 0))
    for moment in (at(2026, 10, 12, 9, 1), at(2026, 10, 12, 9, 2)):
        ticket = services.call_next(counter=window, actor=clerk, now=moment)
        if ticket.walk_in is False:
            services.ticket_finish(ticket_id=ticket.pk, served=True, actor=clerk, now=moment)

    page = _display(client).content.decode()

    assert "A001" in page and "A002" in page
    assert citizen.real_name not in page and "路人甲" not in page
    assert booked.code not in page and citizen.id_number[-4:] not in page


def test_it_shows_only_todays_calls(client, window, clerk):
    services.walk_in_ticket(counter=window, name="路人甲", actor=clerk, now=at(2026, 10, 9, 9, 0))
    services.call_next(counter=window, actor=clerk, now=at(2026, 10, 9, 9, 1))

    page = _display(client).content.decode()

    assert "A001" not in page


def test_it_refreshes_itself_without_a_script_and_is_public(client):
    response = _display(client)
    page = response.content.decode()

    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="10">' in page
    assert "<script" not in page and "style=" not in page


def test_it_costs_the_same_queries_with_one_number_called_or_many(client, window, second_window, clerk):
    services.walk_in_ticket(counter=window, name="路人", actor=clerk, now=at(2026, 10, 12, 9, 0))
    first = services.call_next(counter=window, actor=clerk, now=at(2026, 10, 12, 9, 1))
    with CaptureQueriesContext(connection) as one:
        _display(client)
    # One number is called at a time per window: the next is called once this one is served.
    services.ticket_finish(ticket_id=first.pk, served=True, actor=clerk, now=at(2026, 10, 12, 9, 2))
    for minute in range(2, 8):
        counter = window if minute % 2 else second_window
        services.walk_in_ticket(counter=counter, name="路人", actor=clerk, now=at(2026, 10, 12, 9, minute))
        ticket = services.call_next(counter=counter, actor=clerk, now=at(2026, 10, 12, 9, minute))
        if minute < 6:
            services.ticket_finish(ticket_id=ticket.pk, served=True, actor=clerk, now=at(2026, 10, 12, 9, minute))
    with CaptureQueriesContext(connection) as many:
        _display(client)

    assert len(many) == len(one)
