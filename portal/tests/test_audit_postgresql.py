"""On PostgreSQL the database itself refuses to change audit rows or delete young ones."""

from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from portal import audit
from portal.audit.retention import audit_purge
from portal.models import AuditEvent


def _refused(sql, params=()):
    with pytest.raises(DatabaseError, match="audit records"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_delete_from_the_audit_table_fails_for_rows_younger_than_184_days(requires_postgresql):
    row = audit.record(AuditEvent.Action.LOGIN_FAILED, username="alice")
    _refused("DELETE FROM portal_auditevent")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_update_of_an_audit_row_fails_whatever_its_age(requires_postgresql):
    with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
        old = audit.record(AuditEvent.Action.LOGIN, username="alice")
    audit.record(AuditEvent.Action.LOGIN, username="bob")
    _refused("UPDATE portal_auditevent SET actor_username = 'eve'")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=old.pk).update(detail="edited")
    assert set(AuditEvent.objects.values_list("actor_username", flat=True)) == {"alice", "bob"}


def test_the_purge_still_deletes_rows_past_the_retention(requires_postgresql):
    with time_machine.travel(timezone.now() - timedelta(days=190), tick=False):
        audit.record(AuditEvent.Action.LOGIN, username="old")
    audit.record(AuditEvent.Action.LOGIN, username="new")
    assert audit_purge()["audit"] == 1
    assert list(AuditEvent.objects.values_list("actor_username", flat=True)) == ["new"]
