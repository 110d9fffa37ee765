"""The client address comes only from a header the operator declared, and a bad header never answers 500."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from approvals.tests import factories as approval_factories
from portal.net import ratelimit_ip

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(citizen, permit_item):
    return approval_factories.submitted(permit_item, citizen)


def _track(client, application, **headers):
    data = {"reference": application.reference, "id_tail": "000000"}
    return client.post(reverse("approvals:track"), data, **headers)


def test_a_forged_x_real_ip_per_request_does_not_lift_the_track_limit(client, application, settings):
    settings.TRACK_RATE_LIMIT = "10/10m"
    answers = [_track(client, application, HTTP_X_REAL_IP=f"198.51.100.{n}").status_code for n in range(40)]
    assert answers.count(200) == 10
    assert answers[10:] == [429] * 30


def test_a_forged_x_forwarded_for_does_not_lift_the_track_limit_when_no_header_is_declared(
    client, application, settings
):
    settings.TRACK_RATE_LIMIT = "10/10m"
    answers = [_track(client, application, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(20)]
    assert answers.count(200) == 10


def test_entries_a_client_prepends_behind_one_declared_proxy_do_not_lift_the_limit(client, application, settings):
    settings.TRACK_RATE_LIMIT = "10/10m"
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy (REMOTE_ADDR 10.0.0.2) appends the real client, 203.0.113.5, after what the client sent.
    answers = [
        _track(
            client,
            application,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 192.0.2.{n}, 203.0.113.5",
        ).status_code
        for n in range(20)
    ]
    assert answers.count(200) == 10
    # Another real client behind the same proxy keeps its own limit.
    other = _track(client, application, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_X_FORWARDED_FOR": ""},
        {"HTTP_X_FORWARDED_FOR": "not-an-address"},
        {"HTTP_X_FORWARDED_FOR": ",,, ::zz, 999.1.1.1"},
        {"HTTP_X_REAL_IP": "garbage", "REMOTE_ADDR": ""},
        {"REMOTE_ADDR": ""},
    ],
)
@pytest.mark.parametrize("declared", ["", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP"])
def test_verify_never_answers_500_on_a_missing_or_malformed_header(client, settings, headers, declared):
    settings.CLIENT_IP_HEADER = declared
    response = client.get(reverse("licenses:verify", args=["no-such-token"]), **headers)
    assert response.status_code == 404


def test_clients_whose_address_cannot_be_told_share_one_limit(client, application, settings):
    settings.TRACK_RATE_LIMIT = "2/10m"
    answers = [_track(client, application, REMOTE_ADDR="").status_code for _ in range(4)]
    assert answers == [200, 200, 429, 429]


def test_rate_limits_and_lock_outs_read_the_address_from_portal_net(rf, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="203.0.113.9")
    assert ratelimit_ip(request) == "203.0.113.9"
    assert django_settings.RATELIMIT_IP_META_KEY == "portal.net.ratelimit_ip"
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "portal.net.client_ip"


def test_the_old_environment_setting_is_no_longer_believed():
    env = {**os.environ, "RATELIMIT_IP_META_KEY": "HTTP_X_REAL_IP", "AXES_IPWARE_PROXY_COUNT": "1"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.RATELIMIT_IP_META_KEY)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "portal.net.ratelimit_ip", result.stderr
