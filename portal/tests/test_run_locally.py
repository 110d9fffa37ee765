"""What a newcomer's `make run` relies on: the public address follows WEB_ADDRESS, the site icon."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.settings import base_url_for, base_url_host

BASE_DIR = Path(__file__).resolve().parents[2]


def test_the_base_url_is_the_address_the_server_listens_on():
    assert base_url_for("127.0.0.1:8711") == "http://127.0.0.1:8711"
    assert base_url_for("localhost:9000") == "http://localhost:9000"


def test_a_bare_port_is_served_on_the_loopback_address():
    assert base_url_for("8711") == "http://127.0.0.1:8711"


def test_every_interface_is_reached_at_the_machines_network_address():
    assert base_url_for("0.0.0.0:8000", lan=lambda: "192.168.1.23") == "http://192.168.1.23:8000"
    assert base_url_for("[::]:8000", lan=lambda: "192.168.1.23") == "http://192.168.1.23:8000"


def test_every_interface_without_a_network_address_falls_back_to_the_loopback_address():
    assert base_url_for("0.0.0.0:8000", lan=lambda: None) == "http://127.0.0.1:8000"


def _settings_in_a_fresh_process(**variables) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PORTAL_BASE_URL", "WEB_ADDRESS", "ALLOWED_HOSTS")}
    env.update(variables, DJANGO_SETTINGS_MODULE="portal.settings")
    code = "from django.conf import settings; print(settings.PORTAL_BASE_URL); print(*settings.ALLOWED_HOSTS)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_portal_base_url_follows_web_address_unless_set():
    base_url, hosts = _settings_in_a_fresh_process(WEB_ADDRESS="127.0.0.1:8711")
    assert base_url == "http://127.0.0.1:8711"
    assert "127.0.0.1" in hosts.split()
    base_url, _hosts = _settings_in_a_fresh_process(WEB_ADDRESS="127.0.0.1:8711", PORTAL_BASE_URL="https://x.example/")
    assert base_url == "https://x.example"


@pytest.mark.django_db
def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # the ICO header


@pytest.mark.django_db
def test_every_page_links_the_icon(client):
    assert b'<link rel="icon" href="/static/favicon.ico"' in client.get("/").content


@pytest.mark.parametrize(
    ("base_url", "host"),
    [
        ("https://zwfw.example.gov.cn", "zwfw.example.gov.cn"),
        ("http://192.168.1.20:8000", "192.168.1.20"),
        ("http://[fe80::1]:8000", "[fe80::1]"),
        ("", ""),
    ],
)
def test_the_public_address_is_an_allowed_host_as_django_writes_it(base_url, host):
    assert base_url_host(base_url) == host
