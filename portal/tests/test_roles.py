"""Roles are groups with explicit permissions; staff reach the admin, the public does not."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal import roles
from portal.models import CalendarDay

pytestmark = pytest.mark.django_db

EXPECTED = {
    roles.CLERK: {"portal.view_department", "portal.view_district", "portal.view_calendarday"},
    roles.REVIEWER: {"portal.view_department", "portal.view_district", "portal.view_calendarday"},
    roles.PRINT_OPERATOR: {"portal.view_department", "portal.view_district"},
    roles.SUPERVISOR: {
        "portal.view_department",
        "portal.view_district",
        "portal.view_calendarday",
        "portal.view_user",
    },
}


def _permissions(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_migration_creates_every_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_has_exactly_its_permissions_in_the_core(role):
    core = {p for p in _permissions(role) if p.startswith(("portal.", "auth."))}
    assert core == EXPECTED[role]


def test_the_administrator_manages_users_departments_and_the_calendar(administrator):
    for codename in ("add_user", "change_user", "change_department", "change_district", "change_calendarday"):
        assert administrator.has_perm(f"portal.{codename}")


@pytest.mark.parametrize("actor", ["clerk", "reviewer", "print_operator", "supervisor"])
def test_only_the_administrator_may_change_the_calendar(actor, request):
    user = request.getfixturevalue(actor)
    assert user.has_perm("portal.view_calendarday") == (actor != "print_operator")
    assert not user.has_perm("portal.change_calendarday")


@pytest.mark.parametrize("actor", ["clerk", "reviewer", "print_operator", "supervisor", "administrator"])
def test_staff_reach_the_admin(actor, request, client):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("actor", ["citizen", "enterprise"])
def test_the_public_does_not_reach_the_admin(actor, request, client):
    client.force_login(request.getfixturevalue(actor))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_reviewer_cannot_open_the_user_list(reviewer, client):
    client.force_login(reviewer)
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403


def test_the_user_list_masks_id_numbers(supervisor, citizen, client):
    client.force_login(supervisor)
    content = client.get(reverse("admin:portal_user_changelist")).content.decode()
    assert citizen.masked_id_number in content
    assert citizen.id_number not in content


def test_the_administrator_edits_a_calendar_day_in_the_admin(administrator, client):
    client.force_login(administrator)
    url = reverse("admin:portal_calendarday_change", args=["2026-12-31"])
    response = client.post(url, {"date": "2026-12-31", "is_workday": "", "note": "临时假日"})
    assert response.status_code == 302

    assert CalendarDay.objects.get(date="2026-12-31").is_workday is False
