"""Separate the administrators' duties (三员分立).

The system administrator (系统管理员) keeps accounts, departments and the calendar but no
longer deletes users (deactivation keeps their admin log) nor sees the roles; the security
administrator (安全管理员) grants roles and departments and resets staff passwords; the audit
administrator (审计管理员) only reads users and every audit record (its view of the audit
table and of django-axes' logs came with portal 0008_audit_trail_protected_by_the_database).
"""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

ADMINISTRATOR = "系统管理员"
SECURITY_ADMINISTRATOR = "安全管理员"
AUDITOR = "审计管理员"

GRANTED = {
    "portal": {
        ADMINISTRATOR: ["set_public_password"],
        SECURITY_ADMINISTRATOR: ["view_user", "grant_roles", "set_staff_password", "view_department"],
        AUDITOR: ["view_user"],
    },
    "auth": {SECURITY_ADMINISTRATOR: ["view_group"], AUDITOR: ["view_group"]},
    "admin": {AUDITOR: ["view_logentry"]},
}

REVOKED = {
    "portal": {ADMINISTRATOR: ["delete_user"]},
    "auth": {ADMINISTRATOR: ["view_group"]},
}


def separate(apps, schema_editor):
    for app_label, role_permissions in GRANTED.items():
        grant_role_permissions(apps, app_label, role_permissions)
    for app_label, role_permissions in REVOKED.items():
        revoke_role_permissions(apps, app_label, role_permissions)


def merge_back(apps, schema_editor):
    for app_label, role_permissions in GRANTED.items():
        revoke_role_permissions(apps, app_label, role_permissions)
    for app_label, role_permissions in REVOKED.items():
        grant_role_permissions(apps, app_label, role_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0012_user_must_change_password_and_duty_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(separate, merge_back)]
