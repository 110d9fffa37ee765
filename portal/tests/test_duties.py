"""Separated duties (三员分立) in the user admin, tested as tables: role × URL, role × field."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import roles
from portal.models import AuditEvent, User
from portal.tests import factories

pytestmark = pytest.mark.django_db

STAFF_ACTORS = [
    "clerk",
    "reviewer",
    "print_operator",
    "supervisor",
    "administrator",
    "security_administrator",
    "auditor",
    "superuser",
]


@pytest.fixture
def security_administrator(db):
    return factories.staff("security", roles.SECURITY_ADMINISTRATOR)


@pytest.fixture
def auditor(db):
    return factories.staff("auditor", roles.AUDITOR)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", factories.PASSWORD)


@pytest.fixture
def cast(other_reviewer, citizen):
    """Return the accounts acted on: another staff member and a citizen."""
    return other_reviewer, citizen


def _urls(actor, other_staff, citizen):
    group = Group.objects.get(name=roles.REVIEWER)
    return {
        "user list": reverse("admin:portal_user_changelist"),
        "add user": reverse("admin:portal_user_add"),
        "change own": reverse("admin:portal_user_change", args=[actor.pk]),
        "change other staff": reverse("admin:portal_user_change", args=[other_staff.pk]),
        "change citizen": reverse("admin:portal_user_change", args=[citizen.pk]),
        "password own": reverse("admin:auth_user_password_change", args=[actor.pk]),
        "password other staff": reverse("admin:auth_user_password_change", args=[other_staff.pk]),
        "password citizen": reverse("admin:auth_user_password_change", args=[citizen.pk]),
        "delete other staff": reverse("admin:portal_user_delete", args=[other_staff.pk]),
        "role list": reverse("admin:auth_group_changelist"),
        "role page": reverse("admin:auth_group_change", args=[group.pk]),
    }


# Status of a GET of each user-management URL, per role. The own password form sends
# everyone to the password change page, where the old password is asked.
Y, N, R = 200, 403, 302  # reached, refused, redirected
URL_COLUMNS = [
    "user list",
    "add user",
    "change own",
    "change other staff",
    "change citizen",
    "password own",
    "password other staff",
    "password citizen",
    "delete other staff",
    "role list",
    "role page",
]
# fmt: off
URL_TABLE = {
    #                         list add own staff citizen | password: own staff citizen | delete | roles role
    "clerk":                  [N,   N,  N,   N,    N,          R,    N,     N,           N,       N,    N],
    "reviewer":               [N,   N,  N,   N,    N,          R,    N,     N,           N,       N,    N],
    "print_operator":         [N,   N,  N,   N,    N,          R,    N,     N,           N,       N,    N],
    "supervisor":             [Y,   N,  Y,   Y,    Y,          R,    N,     N,           N,       N,    N],
    "administrator":          [Y,   Y,  Y,   Y,    Y,          R,    N,     Y,           N,       N,    N],
    "security_administrator": [Y,   N,  Y,   Y,    Y,          R,    Y,     N,           N,       Y,    Y],
    "auditor":                [Y,   N,  Y,   Y,    Y,          R,    N,     N,           N,       Y,    Y],
    "superuser":              [Y,   Y,  Y,   Y,    Y,          R,    Y,     Y,           N,       Y,    Y],
}
# fmt: on


@pytest.mark.parametrize("actor_name", STAFF_ACTORS)
@pytest.mark.parametrize("column", URL_COLUMNS)
def test_each_role_reaches_exactly_its_user_management_pages(actor_name, column, request, cast, client):
    actor = request.getfixturevalue(actor_name)
    client.force_login(actor)
    response = client.get(_urls(actor, *cast)[column])
    expected = URL_TABLE[actor_name][URL_COLUMNS.index(column)]
    assert response.status_code == expected, f"{actor_name} GET {column}"
    if expected == R:
        assert response["Location"] == reverse("password_change")


IDENTITY = {"username", "kind", "real_name", "id_number", "organization_name", "credit_code", "mobile", "email"}
ACCOUNT = IDENTITY | {"is_active"}
ROLES = {"groups", "department", "is_staff"}
# Shown masked until "show" is pressed with a logged reason, which unlocks the input (test below).
SHOWN_FIRST = {"id_number", "mobile", "email"}
ACCOUNT_MASKED = ACCOUNT - SHOWN_FIRST
CHECKED_FIELDS = ACCOUNT | ROLES | {"is_superuser", "user_permissions", "must_change_password", "password"}
# Which fields each role may edit on the change page of: its own account, another staff account, a citizen.
# "password" is the password summary with its reset button (shown only where the form may be used,
# and on one's own page, where it leads to the password change).
FIELD_TABLE = {
    "supervisor": (set(), set(), set()),
    "auditor": (set(), set(), set()),
    "administrator": ({"password"}, ACCOUNT_MASKED, ACCOUNT_MASKED | {"password"}),
    "security_administrator": (set(), ROLES | {"password"}, set()),
    "superuser": ({"password"}, ACCOUNT_MASKED | ROLES | {"password"}, ACCOUNT_MASKED | {"password"}),
}


@pytest.mark.parametrize("actor_name", list(FIELD_TABLE))
@pytest.mark.parametrize("target", ["own", "other staff", "citizen"])
def test_each_role_edits_exactly_its_fields(actor_name, target, request, cast, client):
    actor = request.getfixturevalue(actor_name)
    client.force_login(actor)
    response = client.get(_urls(actor, *cast)[f"change {target}"])
    assert response.status_code == 200
    editable = _editable(response) & CHECKED_FIELDS
    expected = FIELD_TABLE[actor_name][["own", "other staff", "citizen"].index(target)]
    assert editable == expected, f"{actor_name} on {target}"


def _editable(response) -> set[str]:
    """Return the fields the change page shows as editable (not read-only)."""
    adminform = response.context["adminform"]
    shown = {name for _title, options in adminform.fieldsets for name in options["fields"]}
    return (shown - set(adminform.readonly_fields)) & set(adminform.form.fields)


def _change_data(user, **changes):
    """Return the POST data of the user's change form as it stands, with the given changes."""
    data = {
        "username": user.username,
        "kind": user.kind,
        "real_name": user.real_name,
        "id_number": user.id_number,
        "organization_name": user.organization_name,
        "credit_code": user.credit_code,
        "mobile": user.mobile,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "_save": "Save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_system_administrator_posting_is_superuser_on_its_own_page_gains_nothing(administrator, client):
    """The seen defect: /admin/portal/user/<own id>/change/ with is_superuser=on."""
    client.force_login(administrator)
    all_groups = list(Group.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:portal_user_change", args=[administrator.pk]),
        _change_data(administrator, is_superuser="on", groups=all_groups, user_permissions=[1, 2, 3]),
    )
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert set(administrator.groups.values_list("name", flat=True)) == {roles.ADMINISTRATOR}
    assert not administrator.user_permissions.exists()
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_GRANTED)
    assert refusal.outcome == AuditEvent.Outcome.DENIED
    assert "is_superuser" in refusal.detail and refusal.actor_username == "administrator"


def test_the_system_administrator_cannot_grant_a_role_or_department_to_another(
    administrator, other_reviewer, construction_department, client
):
    client.force_login(administrator)
    administrator_group = Group.objects.get(name=roles.ADMINISTRATOR)
    client.post(
        reverse("admin:portal_user_change", args=[other_reviewer.pk]),
        _change_data(
            other_reviewer, real_name="李新名", groups=[administrator_group.pk], department=construction_department.pk
        ),
    )
    other_reviewer.refresh_from_db()
    assert other_reviewer.real_name == "李新名"  # identity: the system administrator's duty
    assert set(other_reviewer.groups.values_list("name", flat=True)) == {roles.REVIEWER}
    assert other_reviewer.department.code == "scjg"


def test_the_security_administrator_cannot_grant_itself_anything(
    security_administrator, construction_department, client
):
    client.force_login(security_administrator)
    all_groups = list(Group.objects.values_list("pk", flat=True))
    client.post(
        reverse("admin:portal_user_change", args=[security_administrator.pk]),
        _change_data(
            security_administrator, groups=all_groups, department=construction_department.pk, is_superuser="on"
        ),
    )
    security_administrator.refresh_from_db()
    assert set(security_administrator.groups.values_list("name", flat=True)) == {roles.SECURITY_ADMINISTRATOR}
    assert security_administrator.department is None
    assert not security_administrator.is_superuser


def test_the_security_administrator_grants_a_role_and_department_and_it_is_audited(
    security_administrator, other_reviewer, construction_department, client
):
    client.force_login(security_administrator)
    clerk_group = Group.objects.get(name=roles.CLERK)
    reviewer_group = Group.objects.get(name=roles.REVIEWER)
    response = client.post(
        reverse("admin:portal_user_change", args=[other_reviewer.pk]),
        _change_data(
            other_reviewer,
            real_name="改不了",
            groups=[clerk_group.pk, reviewer_group.pk],
            department=construction_department.pk,
            is_staff="on",
            is_superuser="on",
        ),
    )
    assert response.status_code == 302
    other_reviewer.refresh_from_db()
    assert set(other_reviewer.groups.values_list("name", flat=True)) == {roles.CLERK, roles.REVIEWER}
    assert other_reviewer.department == construction_department
    assert other_reviewer.real_name == "reviewer2"  # identity is not the security administrator's duty
    assert not other_reviewer.is_superuser
    grant = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_GRANTED, outcome=AuditEvent.Outcome.SUCCESS)
    assert grant.actor_username == "security" and grant.target_id == str(other_reviewer.pk)
    assert f"{roles.REVIEWER} → {'、'.join(sorted([roles.CLERK, roles.REVIEWER]))}" in grant.detail
    assert "市市场监督管理局 → 市住房和城乡建设局" in grant.detail


def test_a_save_that_changes_no_role_writes_no_grant(administrator, other_reviewer, client):
    client.force_login(administrator)
    client.post(
        reverse("admin:portal_user_change", args=[other_reviewer.pk]), _change_data(other_reviewer, real_name="新名")
    )
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_GRANTED).exists()


def test_the_security_administrator_grants_no_role_to_a_citizen(security_administrator, citizen, client):
    client.force_login(security_administrator)
    clerk_group = Group.objects.get(name=roles.CLERK)
    client.post(
        reverse("admin:portal_user_change", args=[citizen.pk]),
        _change_data(citizen, groups=[clerk_group.pk], is_staff="on"),
    )
    citizen.refresh_from_db()
    assert not citizen.groups.exists() and not citizen.is_staff


def test_the_system_administrator_does_not_edit_an_administrator_account(administrator, security_administrator, client):
    """Else it could point the security administrator's e-mail at itself and reset the password by mail."""
    client.force_login(administrator)
    response = client.get(reverse("admin:portal_user_change", args=[security_administrator.pk]))
    assert not {"email", "is_active"} & _editable(response)


def test_no_one_but_a_superuser_changes_a_superuser(security_administrator, superuser, client):
    client.force_login(security_administrator)
    assert client.get(reverse("admin:auth_user_password_change", args=[superuser.pk])).status_code == 403
    response = client.get(reverse("admin:portal_user_change", args=[superuser.pk]))
    assert response.status_code == 200 and not _editable(response)


def test_no_one_deletes_a_user_not_even_a_superuser(superuser, other_reviewer, client):
    client.force_login(superuser)
    response = client.post(reverse("admin:portal_user_delete", args=[other_reviewer.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=other_reviewer.pk).exists()
    response = client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "delete_selected", "_selected_action": [other_reviewer.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=other_reviewer.pk).exists()


def test_no_one_edits_a_role_in_the_admin(superuser, client):
    client.force_login(superuser)
    group = Group.objects.get(name=roles.CLERK)
    before = set(group.permissions.all())
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "x", "permissions": [1]})
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name == roles.CLERK and set(group.permissions.all()) == before
    assert client.get(reverse("admin:auth_group_add")).status_code == 403


def test_a_new_account_is_made_without_roles(administrator, client):
    client.force_login(administrator)
    response = client.get(reverse("admin:portal_user_add"))
    assert not ROLES & _editable(response)


# --- role permissions -------------------------------------------------------------------------


def test_the_auditor_only_reads(auditor):
    permissions = auditor.get_all_permissions()
    assert {
        "portal.view_user",
        "portal.view_auditevent",
        "admin.view_logentry",
        "axes.view_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
    } <= permissions
    assert all(codename.split(".")[1].startswith("view_") for codename in permissions)


def test_the_security_administrator_changes_no_account_identity_and_reads_no_case(security_administrator):
    permissions = security_administrator.get_all_permissions()
    assert {"portal.grant_roles", "portal.set_staff_password"} <= permissions
    assert not {"portal.change_user", "portal.add_user", "portal.delete_user"} & permissions
    assert not any(p.startswith(("approvals.", "licenses.")) for p in permissions)


def test_the_system_administrator_grants_nothing_and_deletes_no_user(administrator):
    permissions = administrator.get_all_permissions()
    assert {"portal.add_user", "portal.change_user", "portal.set_public_password"} <= permissions
    assert (
        not {"portal.grant_roles", "portal.set_staff_password", "portal.delete_user", "auth.view_group"} & permissions
    )
    assert not {"approvals.view_application", "approvals.view_materialfile", "licenses.view_certificate"} & permissions


# --- passwords set by an administrator --------------------------------------------------------


def _set_password(client, user, password="Brand-new-secret-77"):
    return client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": password, "password2": password, "usable_password": "true", "set-password": "1"},
    )


def test_a_staff_password_set_by_the_security_administrator_is_audited_told_and_must_be_changed(
    security_administrator, other_reviewer, client, django_capture_on_commit_callbacks
):
    other_reviewer.email = "reviewer2@example.com"
    other_reviewer.save()
    client.force_login(security_administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _set_password(client, other_reviewer)
    assert response.status_code == 302
    other_reviewer.refresh_from_db()
    assert other_reviewer.check_password("Brand-new-secret-77")
    assert other_reviewer.must_change_password
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.actor_username == "security" and event.target_id == str(other_reviewer.pk)
    assert other_reviewer.notifications.get().kind == "password_changed"
    assert [m.to for m in mail.outbox] == [["reviewer2@example.com"]]
    assert "reviewer2" in mail.outbox[0].body


def test_a_refused_password_form_changes_nothing(security_administrator, other_reviewer, client):
    client.force_login(security_administrator)
    response = _set_password(client, other_reviewer, password="lisi2026")
    assert response.status_code == 200
    other_reviewer.refresh_from_db()
    assert not other_reviewer.must_change_password
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED).exists()


def test_the_system_administrator_sets_a_citizen_password_but_not_a_staff_one(
    administrator, citizen, other_reviewer, client
):
    client.force_login(administrator)
    assert _set_password(client, citizen).status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("Brand-new-secret-77") and citizen.must_change_password
    assert _set_password(client, other_reviewer).status_code == 403
    other_reviewer.refresh_from_db()
    assert other_reviewer.check_password(factories.PASSWORD)


def test_the_admin_password_change_link_leads_to_the_portal_page(clerk, client):
    client.force_login(clerk)
    response = client.get(reverse("admin:password_change"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


def test_an_identity_input_opens_only_after_a_logged_show_and_for_ten_minutes(administrator, citizen, client):
    client.force_login(administrator)
    change = reverse("admin:portal_user_change", args=[citizen.pk])
    page = client.get(change)
    assert citizen.id_number not in page.content.decode()
    assert "id_number" not in _editable(page)
    show = reverse("admin:portal_user_show", args=[citizen.pk, "id_number"])
    shown = client.post(show, {"reason": "申请人来电更正证件号码"})
    assert citizen.id_number in shown.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSONAL_DATA_SHOWN)
    assert event.detail == "id_number: 申请人来电更正证件号码" and event.actor_id == administrator.pk
    assert _editable(client.get(change)) & SHOWN_FIRST == {"id_number"}  # that field only
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        client.force_login(administrator)
        assert "id_number" not in _editable(client.get(change))


def test_the_supervisor_showing_a_value_unlocks_nothing(supervisor, citizen, client):
    client.force_login(supervisor)
    shown = client.post(reverse("admin:portal_user_show", args=[citizen.pk, "mobile"]), {"reason": "核对来电者身份"})
    assert citizen.mobile in shown.content.decode()
    assert shown.context["note"] is None  # no "can be corrected for ten minutes"
    assert "admin_identity_unlocked" not in client.session


def test_one_security_administrator_cannot_take_over_another_administrator(security_administrator, client, db):
    system_admin = factories.staff("sysadmin", roles.ADMINISTRATOR)
    auditor = factories.staff("auditor2", roles.AUDITOR)
    clerk = factories.staff("clerk2", roles.CLERK)
    for target in (system_admin, auditor):
        factories.totp_device(target)
    client.force_login(security_administrator)
    for target in (system_admin, auditor):
        password = reverse("admin:auth_user_password_change", args=[target.pk])
        assert client.get(password).status_code == 403
        page = client.get(reverse("admin:portal_user_change", args=[target.pk]))
        assert page.status_code == 200 and _editable(page) == set()
        reset = client.post(
            reverse("admin:portal_user_changelist"),
            {"action": "second_factor_reset", "_selected_action": [target.pk], "confirmed": "yes"},
        )
        assert reset.status_code == 302
        assert TOTPDevice.objects.filter(user=target).exists()
    # Nor hand the administrator roles to an account it controls.
    page = client.get(reverse("admin:portal_user_change", args=[clerk.pk]))
    offered = set(page.context["adminform"].form.fields["groups"].queryset.values_list("name", flat=True))
    assert roles.CLERK in offered and not offered & {roles.ADMINISTRATOR, roles.SECURITY_ADMINISTRATOR, roles.AUDITOR}
    admin_role = Group.objects.get(name=roles.ADMINISTRATOR)
    posted = client.post(
        reverse("admin:portal_user_change", args=[clerk.pk]),
        _change_data(clerk, is_staff="on", groups=[admin_role.pk]),
    )
    assert posted.status_code == 200 and posted.context["adminform"].form.errors  # not a choice offered
    assert not clerk.groups.filter(name=roles.ADMINISTRATOR).exists()


def test_nobody_sets_the_password_of_an_account_opened_at_the_hall(administrator, client, db):
    hall = factories.citizen("hall-abcdefghij", real_name="王大厅")
    hall.set_unusable_password()
    hall.save()
    client.force_login(administrator)
    assert client.get(reverse("admin:auth_user_password_change", args=[hall.pk])).status_code == 403


def test_a_users_page_reads_the_accounts_roles_once(administrator, citizen, client, django_assert_num_queries):
    # User, second factor, the account shown, two permission reads, its roles once, its groups (the
    # session is read from the cache).
    client.force_login(administrator)
    url = reverse("admin:portal_user_change", args=[citizen.pk])
    client.get(url)
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
