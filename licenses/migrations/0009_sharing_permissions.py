"""Staff who verify others' certificates search every department (logged); supervisors review the log."""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {
    "窗口人员": ["view_certificate", "search_certificates"],
    "审批人员": ["search_certificates"],
    "效能监察": ["search_certificates", "view_certificateaccess"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, "licenses", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "licenses", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("licenses", "0008_certificate_access")]

    operations = [migrations.RunPython(grant, revoke)]
