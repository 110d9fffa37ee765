"""The audit administrator reads and exports the trail; nobody edits it or the login logs."""

import csv
import io

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from portal import audit, roles
from portal.models import AuditEvent
from portal.tests import factories

LIST = "admin:portal_auditevent_changelist"
EXPORT = "admin:portal_auditevent_export"


@pytest.fixture
def auditor(db):
    return factories.staff("auditor", roles.AUDITOR)


@pytest.fixture
def superuser(db):
    return factories.staff("root", roles.ADMINISTRATOR, is_superuser=True)


@pytest.fixture
def trail(db):
    audit.record(AuditEvent.Action.LOGIN_FAILED, username="alice", outcome=AuditEvent.Outcome.FAILURE)
    audit.record(AuditEvent.Action.LOGIN_FAILED, username='=HYPERLINK("http://x")', outcome="failure")
    audit.record(AuditEvent.Action.LOGOUT, username="bob")


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_auditor_lists_the_trail(client, auditor, trail):
    client.force_login(auditor)
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    assert {row.actor_username for row in response.context["cl"].result_list} >= {"alice", "bob"}


def test_the_list_says_what_was_refused_without_opening_the_row(client, auditor):
    audit.record(AuditEvent.Action.PERMISSION_DENIED, username="eve", detail="403 GET /admin/approvals/application/")
    audit.record(AuditEvent.Action.ADMIN_CHANGE, username="eve", detail="x" * 200 + "\nsecond line")
    client.force_login(auditor)
    content = client.get(reverse(LIST)).content.decode()
    assert "403 GET /admin/approvals/application/" in content
    assert "x" * 79 + "…" in content and "x" * 80 not in content and "second line" not in content


@pytest.mark.parametrize("role", [roles.ADMINISTRATOR, roles.SECURITY_ADMINISTRATOR, roles.SUPERVISOR, roles.CLERK])
def test_other_staff_cannot_open_the_trail_or_export_it(client, trail, role):
    client.force_login(factories.staff("someone", role))
    assert client.get(reverse(LIST)).status_code == 403
    assert client.get(reverse(EXPORT)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_trail_filters_by_action_and_searches_by_actor(client, auditor, trail):
    client.force_login(auditor)
    by_action = client.get(reverse(LIST), {"action": "logout"}).context["cl"].result_list
    assert [row.actor_username for row in by_action] == ["bob"]
    by_actor = client.get(reverse(LIST), {"q": "alice"}).context["cl"].result_list
    assert [row.actor_username for row in by_actor] == ["alice"]
    today = timezone.localdate()
    by_date = client.get(reverse(LIST), {"created_at__year": today.year, "outcome": "failure"}).context["cl"]
    assert by_date.result_count == 2


def test_nobody_adds_changes_or_deletes_audit_rows_in_the_admin_not_even_a_superuser(client, superuser, trail):
    client.force_login(superuser)
    row = AuditEvent.objects.filter(actor_username="bob").get()
    assert client.get(reverse("admin:portal_auditevent_add")).status_code == 403
    response = client.post(reverse("admin:portal_auditevent_change", args=[row.pk]), {"actor_username": "eve"})
    assert response.status_code == 403
    assert client.post(reverse("admin:portal_auditevent_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    response = client.post(reverse(LIST), {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert AuditEvent.objects.filter(pk=row.pk, actor_username="bob").exists()
    assert response.status_code in (200, 302)


def test_the_export_streams_the_filtered_rows_and_is_itself_recorded(client, auditor, trail):
    client.force_login(auditor)
    response = client.get(reverse(EXPORT), {"action": "login_failed"}, REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    lines = _csv(response)
    assert len(lines) == 1 + 2
    assert {line[1] for line in lines[1:]} == {"alice", '\'=HYPERLINK("http://x")'}
    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (export.actor_username, export.ip_address) == ("auditor", "192.0.2.8")
    assert "action=login_failed" in export.detail


def test_the_list_offers_the_export_of_its_filter(client, auditor, trail):
    client.force_login(auditor)
    content = client.get(reverse(LIST), {"action": "logout"}).content.decode()
    assert f'href="{reverse(EXPORT)}?action=logout"' in content


# --- django-axes' login logs ----------------------------------------------------------------


def _access_log(username="clerk"):
    return AccessLog.objects.create(
        username=username, ip_address="10.0.0.1", user_agent="x", http_accept="x", path_info="/admin/login/"
    )


def test_a_superuser_cannot_delete_login_logs_with_delete_selected(client, superuser):
    entry = _access_log()
    client.force_login(superuser)
    changelist = reverse("admin:axes_accesslog_changelist")
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert AccessLog.objects.filter(pk=entry.pk).exists()
    assert client.post(reverse("admin:axes_accesslog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("model", [AccessAttempt, AccessLog])
def test_the_login_log_admins_offer_no_action_add_change_or_delete(rf, superuser, model):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = superuser
    assert model_admin.get_actions(request) == {}
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_auditor_reads_the_login_logs(client, auditor):
    _access_log()
    client.force_login(auditor)
    assert client.get(reverse("admin:axes_accesslog_changelist")).status_code == 200
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
