"""The trail is kept AUDIT_RETENTION_DAYS (never under 184), then purged every night."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal import audit, tasks
from portal.audit.checks import audit_retention_check
from portal.audit.retention import audit_purge
from portal.models import AuditEvent, TakeoverCode
from portal.tests import factories


def _aged(days):
    """Write one audit row and one of each axes log, as if `days` ago."""
    with time_machine.travel(timezone.now() - timedelta(days=days), tick=False):
        row = audit.record(AuditEvent.Action.LOGIN_FAILED, username=f"aged-{days}")
        # attempt_time is set on creation (auto_now_add).
        AccessLog.objects.create(username=f"aged-{days}", ip_address="10.0.0.1")
        AccessFailureLog.objects.create(username=f"aged-{days}", ip_address="10.0.0.1")
    return row


def _left():
    return (
        set(AuditEvent.objects.values_list("actor_username", flat=True)),
        set(AccessLog.objects.values_list("username", flat=True)),
        set(AccessFailureLog.objects.values_list("username", flat=True)),
    )


@pytest.mark.django_db
def test_the_purge_deletes_rows_older_than_the_retention_and_keeps_the_rest():
    _aged(190), _aged(183), _aged(0)
    counts = audit_purge()
    assert counts == {"audit": 1, "access_log": 1, "access_failure_log": 1, "takeover_code": 0}
    assert _left() == ({"aged-183", "aged-0"},) * 3


@pytest.mark.django_db
def test_takeover_codes_are_kept_a_week():
    account = factories.citizen()
    for days in (8, 6):
        with time_machine.travel(timezone.now() - timedelta(days=days), tick=False):
            TakeoverCode.objects.create(
                account=account, code_hash="x", expires_at=timezone.now() + timedelta(minutes=10)
            )
    assert audit_purge()["takeover_code"] == 1
    [left] = TakeoverCode.objects.all()
    assert timezone.now() - left.created_at < timedelta(days=7)


@pytest.mark.django_db
def test_a_longer_retention_keeps_more(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    _aged(190), _aged(400)
    audit_purge()
    assert _left()[0] == {"aged-190"}


@pytest.mark.django_db
@pytest.mark.parametrize("days", [30, 183, "184"])
def test_a_retention_under_184_days_is_refused_and_deletes_nothing(settings, days):
    settings.AUDIT_RETENTION_DAYS = days
    _aged(190)
    with pytest.raises(ImproperlyConfigured):
        audit_purge()
    with pytest.raises(CommandError):
        call_command("audit_purge")
    assert [error.id for error in audit_retention_check(None)] == ["portal.E101"]
    assert _left()[0] == {"aged-190"}


def test_the_settings_refuse_a_retention_under_184_days_at_start():
    env = {**os.environ, "AUDIT_RETENTION_DAYS": "90", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, cwd=django_settings.BASE_DIR
    )
    assert result.returncode != 0
    assert "AUDIT_RETENTION_DAYS must be at least 184" in result.stderr


@pytest.mark.django_db
def test_the_nightly_task_and_the_command_purge(capsys):
    assert django_settings.CELERY_BEAT_SCHEDULE["audit-purge"]["task"] == "portal.tasks.audit_purge_run"
    _aged(200)
    assert tasks.audit_purge_run.delay().get() == {
        "audit": 1,
        "access_log": 1,
        "access_failure_log": 1,
        "takeover_code": 0,
    }
    _aged(300)
    call_command("audit_purge")
    assert "1 audit records" in capsys.readouterr().out
    assert _left() == (set(), set(), set())
