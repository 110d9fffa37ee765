"""Sessions end after idle time (staff 30 minutes, others 2 hours) and after an absolute maximum."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

IDLE = "For your security, you were logged out after a long time without activity."
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_idle_for_more_than_30_minutes_are_logged_out_with_a_message(client, clerk, clock):
    client.force_login(clerk)
    assert client.get(reverse("admin:index")).status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not _logged_in(client)
    page = client.get(response["Location"]).content.decode()
    assert _zh(IDLE) in page


def test_staff_active_within_30_minutes_stay_logged_in(client, clerk, clock):
    client.force_login(clerk)
    for _ in range(6):  # three hours, a request every 29 minutes
        clock.shift(timedelta(minutes=29))
        assert client.get(reverse("admin:index")).status_code == 200
    assert _logged_in(client)


def test_citizens_may_be_idle_up_to_two_hours(client, citizen, clock):
    client.force_login(citizen)
    assert client.get(reverse("me")).status_code == 200
    clock.shift(timedelta(minutes=119))
    assert client.get(reverse("me")).status_code == 200
    clock.shift(timedelta(minutes=121))
    response = client.get(reverse("me"))
    assert response.status_code == 302
    assert not _logged_in(client)


def test_no_login_lasts_longer_than_the_maximum_however_active(client, citizen, clock, settings):
    settings.SESSION_MAX_HOURS = 12
    client.force_login(citizen)
    for _ in range(11):
        clock.shift(timedelta(minutes=60))
        assert client.get(reverse("me")).status_code == 200
    clock.shift(timedelta(minutes=61))
    assert client.get(reverse("me")).status_code == 302
    assert not _logged_in(client)


def test_the_limits_come_from_the_settings(client, citizen, clock, settings):
    settings.SESSION_IDLE_MINUTES_PUBLIC = 10
    client.force_login(citizen)
    client.get(reverse("me"))
    clock.shift(timedelta(minutes=11))
    assert client.get(reverse("me")).status_code == 302


def test_the_last_activity_is_saved_at_most_once_a_minute(client, citizen, clock, settings):
    client.force_login(citizen)
    client.get(reverse("me"))
    clock.shift(timedelta(seconds=30))
    assert settings.SESSION_COOKIE_NAME not in client.get(reverse("me")).cookies
    clock.shift(timedelta(seconds=31))
    assert settings.SESSION_COOKIE_NAME in client.get(reverse("me")).cookies


def test_the_session_cookie_lasts_no_longer_than_the_maximum(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_HOURS * 3600 <= 12 * 3600


def test_anonymous_visitors_are_untouched(client, clock):
    client.get(reverse("home"))
    clock.shift(timedelta(days=1))
    assert client.get(reverse("home")).status_code == 200
