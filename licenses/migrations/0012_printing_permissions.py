"""The printing centre operates the print queue."""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {
    "制证中心": ["operate_printing", "view_printbatch"],
    "效能监察": ["view_printjob", "view_printbatch"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, "licenses", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "licenses", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("licenses", "0011_printing_centre")]

    operations = [migrations.RunPython(grant, revoke)]
