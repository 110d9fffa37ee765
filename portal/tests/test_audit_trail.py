"""What the audit trail records: sign-ins, refusals, document views, admin changes."""

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import services
from approvals.tests import factories as approval_factories
from portal import roles
from portal.models import AuditEvent, Department
from portal.tests import factories

Action = AuditEvent.Action


def _rows(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.fixture
def submitted(permit_item, citizen):
    return approval_factories.submitted(permit_item, citizen)


@pytest.fixture
def in_review(submitted, clerk, reviewer):
    services.application_accept(application_id=submitted.pk, actor=clerk)
    services.application_claim(application_id=submitted.pk, actor=reviewer)
    return submitted


# --- sign-in, sign-out, lock-out ---------------------------------------------------------


def test_it_records_a_login_with_actor_and_address(client, clerk):
    assert _login(client, "clerk", factories.PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302
    [row] = _rows(Action.LOGIN)
    assert (row.actor_id, row.actor_username, row.actor_roles) == (clerk.pk, "clerk", "窗口人员")
    assert (row.outcome, row.ip_address) == (AuditEvent.Outcome.SUCCESS, "203.0.113.5")


def test_three_failures_and_a_success_keep_the_three_failures_in_the_audit_trail(client, citizen):
    for _ in range(3):
        assert _login(client, "alice", "wrong").status_code == 200
    assert AccessAttempt.objects.filter(username="alice").exists()
    assert _login(client, "alice", factories.PASSWORD).status_code == 302
    # django-axes forgot the failures (AXES_RESET_ON_SUCCESS); the audit trail did not.
    assert not AccessAttempt.objects.filter(username="alice").exists()
    failures = _rows(Action.LOGIN_FAILED)
    assert [(r.actor_username, r.outcome) for r in failures] == [("alice", AuditEvent.Outcome.FAILURE)] * 3
    assert len(_rows(Action.LOGIN)) == 1


def test_it_records_the_lock_out(client, citizen, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "alice", "wrong")
    [row] = _rows(Action.LOCKED_OUT)
    assert (row.actor_username, row.outcome, row.ip_address) == ("alice", AuditEvent.Outcome.DENIED, "127.0.0.1")


def test_it_records_a_logout(client, citizen):
    client.force_login(citizen)
    client.post(reverse("logout"))
    [row] = _rows(Action.LOGOUT)
    assert row.actor_id == citizen.pk


# --- refusals ------------------------------------------------------------------------------


def test_a_403_is_recorded_as_a_permission_denial(client, print_operator):
    client.force_login(print_operator)
    assert client.get(reverse("admin:approvals_application_changelist")).status_code == 403
    [row] = _rows(Action.PERMISSION_DENIED)
    assert (row.actor_username, row.outcome) == ("printer", AuditEvent.Outcome.DENIED)
    assert row.path == reverse("admin:approvals_application_changelist")


def test_a_refusal_keeps_the_path_but_never_the_query_string(client, print_operator):
    # A query string may hold what was searched for (an ID number); the trail keeps the page only.
    client.force_login(print_operator)
    client.get(reverse("admin:portal_user_changelist") + "?q=110101199003071233")
    [row] = _rows(Action.PERMISSION_DENIED)
    assert "110101199003071233" not in row.detail + row.path
    assert row.detail == f"403 GET {reverse('admin:portal_user_changelist')}"


def test_a_404_on_another_departments_application_in_the_admin_is_recorded_with_the_record(
    client, other_reviewer, in_review
):
    client.force_login(other_reviewer)
    for url in (
        reverse("admin:approvals_application_change", args=[in_review.pk]),
        reverse("admin:approvals_application_material", args=[in_review.pk, in_review.files.first().pk]),
    ):
        assert client.get(url).status_code == 404
    rows = _rows(Action.PERMISSION_DENIED)
    assert [(r.actor_username, r.target_type, r.target_id) for r in rows] == [
        ("reviewer2", "approvals.application", str(in_review.pk))
    ] * 2


def test_a_404_on_someone_elses_application_page_is_recorded(client, other_citizen, submitted):
    client.force_login(other_citizen)
    url = reverse("approvals:application_detail", args=[submitted.reference])
    assert client.get(url).status_code == 404
    [row] = _rows(Action.PERMISSION_DENIED)
    assert (row.actor_username, row.target_id) == ("bob", str(submitted.pk))


def test_a_404_for_a_record_that_does_not_exist_or_is_ones_own_is_not_recorded(client, citizen, other_reviewer):
    client.force_login(other_reviewer)
    assert client.get(reverse("admin:approvals_application_change", args=[999999])).status_code == 404
    client.force_login(citizen)
    assert client.get(reverse("approvals:application_detail", args=["NO-SUCH-REF"])).status_code == 404
    assert client.get("/no/such/page/").status_code == 404
    assert _rows(Action.PERMISSION_DENIED) == []


def test_a_page_that_answers_200_costs_no_audit_query(client, reviewer, in_review, settings):
    client.force_login(reviewer)
    url = reverse("admin:approvals_application_change", args=[in_review.pk])
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as audited:
        assert client.get(url).status_code == 200
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "portal.audit.middleware.AuditMiddleware"]
    with CaptureQueriesContext(connection) as plain:
        assert client.get(url).status_code == 200
    assert len(audited) == len(plain)
    assert not any("portal_auditevent" in q["sql"] for q in audited.captured_queries)


# --- ID documents ------------------------------------------------------------------------------


def test_the_staff_view_of_an_uploaded_document_is_recorded(client, reviewer, in_review):
    client.force_login(reviewer)
    record = in_review.files.first()
    response = client.get(reverse("admin:approvals_application_material", args=[in_review.pk, record.pk]))
    assert response.status_code == 200
    [row] = _rows(Action.DOCUMENT_VIEWED)
    assert (row.actor_username, row.target_type, row.target_id) == (
        "reviewer",
        "approvals.application",
        str(in_review.pk),
    )
    assert str(record.pk) in row.detail


def test_the_applicants_download_of_an_uploaded_document_is_recorded(client, citizen, submitted):
    client.force_login(citizen)
    record = submitted.files.first()
    response = client.get(reverse("approvals:material_download", args=[submitted.reference, record.pk]))
    assert response.status_code == 200
    [row] = _rows(Action.DOCUMENT_VIEWED)
    assert (row.actor_username, row.target_id) == ("alice", str(submitted.pk))


# --- admin changes -----------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return factories.staff("root", roles.ADMINISTRATOR, is_superuser=True)


def test_a_change_in_the_admin_is_recorded_with_its_message_and_address(client, superuser):
    department = factories.department("jtj", "市交通运输局")
    client.force_login(superuser)
    url = reverse("admin:portal_department_change", args=[department.pk])
    data = {"name": "市交通局", "code": "jtj", "short_name": "", "phone": "", "sort_order": 0, "is_active": "on"}
    response = client.post(url, data, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302, response.content[:2000]
    [row] = _rows(Action.ADMIN_CHANGE)
    assert (row.actor_username, row.target_type, row.target_id) == ("root", "portal.department", str(department.pk))
    assert row.ip_address == "198.51.100.4"
    assert row.detail.startswith("修改") and "已修改" in row.detail


def test_a_bulk_delete_in_the_admin_records_every_deleted_record(client, superuser):
    first, second = factories.department("a1", "甲"), factories.department("b2", "乙")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:portal_department_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Department.objects.filter(pk__in=[first.pk, second.pk]).exists()
    rows = _rows(Action.ADMIN_CHANGE)
    assert sorted(r.target_id for r in rows) == sorted([str(first.pk), str(second.pk)])
    assert {r.actor_username for r in rows} == {"root"}
    assert {r.ip_address for r in rows} == {"127.0.0.1"}
