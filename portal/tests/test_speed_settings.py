"""Settings that matter for speed: persistent database connections, and the benchmark's baseline view."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 60 + "-a-long-random-production-secret-key",
    "PERSONAL_DATA_HASH_KEY": "h" * 64,
    "SMS_BACKEND": "portal.sms.backends.console.SmsBackend",
    "PERSONAL_DATA_KEYS": "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=",
}
PRINT_CONNECTION = (
    "from django.conf import settings; d = settings.DATABASES['default']; "
    "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
)


def _database_settings(tmp_path, **extra) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("CONN_MAX_AGE", "DEBUG")}
    env.update(PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path / 'speed.sqlite3'}", **extra)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_CONNECTION}"],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_keeps_database_connections_for_a_minute_with_debug_off(tmp_path):
    assert _database_settings(tmp_path) == "60 True"


def test_it_reads_conn_max_age_from_the_environment(tmp_path):
    assert _database_settings(tmp_path, CONN_MAX_AGE="0") == "0 True"


def test_it_serves_no_hello_world_view_unless_the_benchmark_asks():
    assert settings.BENCH_HELLO is False
    with pytest.raises(Resolver404):
        resolve("/bench/hello/")
