"""The SMS backends: console (development), locmem (tests), the HTTP gateway (production)."""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings as django_settings

from portal import sms
from portal.sms.backends.gateway import SmsBackend as GatewayBackend


class _Gateway(BaseHTTPRequestHandler):
    """A fake SMS gateway on 127.0.0.1: records each request, answers with the class's status."""

    status = 200
    delay = 0.0
    received: list

    def do_POST(self):  # noqa: N802  (the name http.server calls)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
        time.sleep(self.delay)
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass  # keep the test output quiet


@pytest.fixture
def gateway():
    """Start a fake gateway for one test; yield (url, handler class)."""
    handler = type("Handler", (_Gateway,), {"received": [], "status": 200, "delay": 0.0})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/send", handler
    finally:
        server.shutdown()
        server.server_close()


def test_the_console_backend_logs_the_message_and_sends_nothing(settings, caplog, sms_outbox):
    settings.SMS_BACKEND = "portal.sms.backends.console.SmsBackend"
    with caplog.at_level(logging.WARNING, logger="portal.sms"):
        sms.send_sms("13800138000", "验证码 123456")
    assert "13800138000" in caplog.text and "验证码 123456" in caplog.text
    assert sms_outbox == []


def test_the_locmem_backend_keeps_the_message_in_the_outbox(sms_outbox):
    sms.send_sms("13800138000", "你好")
    assert [(m.mobile, m.text) for m in sms_outbox] == [("13800138000", "你好")]


@pytest.mark.skipif("SMS_BACKEND" in os.environ, reason="the environment chooses the backend")
def test_the_development_default_is_the_console():
    from portal import settings as settings_module  # noqa: PLC0415  (the value read at start, not the test's)

    assert settings_module.SMS_BACKEND == "portal.sms.backends.console.SmsBackend"


def test_a_message_without_a_mobile_is_refused(sms_outbox):
    with pytest.raises(sms.SmsError):
        sms.send_sms("", "你好")
    assert sms_outbox == []


def test_the_gateway_posts_json_with_the_token(settings, gateway):
    url, handler = gateway
    settings.SMS_BACKEND = "portal.sms.backends.gateway.SmsBackend"
    settings.SMS_GATEWAY_URL = url
    settings.SMS_GATEWAY_TOKEN = "s3cret-token"
    sms.send_sms("13800138000", "验证码 123456")
    [request] = handler.received
    assert request["path"] == "/send"
    assert request["headers"]["Authorization"] == "Bearer s3cret-token"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["body"] == {"mobile": "13800138000", "text": "验证码 123456"}


def test_the_gateway_raises_a_clear_error_when_it_refuses(gateway):
    url, handler = gateway
    handler.status = 503
    with pytest.raises(sms.SmsError, match="HTTP 503"):
        GatewayBackend(url=url, token="t").send("13800138000", "你好")


def test_the_gateway_raises_when_it_cannot_be_reached():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(sms.SmsError, match="could not be reached"):
        GatewayBackend(url=f"http://127.0.0.1:{port}/send", token="t", timeout=2).send("13800138000", "你好")


def test_the_gateway_gives_up_after_the_timeout(gateway):
    url, handler = gateway
    handler.delay = 1.5
    started = time.monotonic()
    with pytest.raises(sms.SmsError):
        GatewayBackend(url=url, token="t", timeout=0.3).send("13800138000", "你好")
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize("url", ["", "file:///etc/passwd"])
def test_the_gateway_needs_an_http_address(settings, url):
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(sms.SmsError):
        GatewayBackend(url=url, token="t")


def _check_with(tmp_path, **env_vars):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SMS_")},
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60 + "-a-long-random-production-secret-key",
        "ALLOWED_HOSTS": "zwfw.example.gov.cn",
        "PORTAL_BASE_URL": "https://zwfw.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "PERSONAL_DATA_HASH_KEY": "h" * 64,
        **env_vars,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_refuses_to_start_without_a_chosen_sms_backend(tmp_path):
    result = _check_with(tmp_path)
    assert result.returncode != 0
    assert "SMS_BACKEND must be set" in result.stderr


def test_debug_off_refuses_the_gateway_without_its_address_and_token(tmp_path):
    result = _check_with(tmp_path, SMS_BACKEND="portal.sms.backends.gateway.SmsBackend")
    assert result.returncode != 0
    assert "SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN must be set" in result.stderr
