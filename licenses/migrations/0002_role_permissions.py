"""Give the staff roles their permissions on the certificate database."""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

READ = ["view_certificatetype", "view_certificate", "view_printjob", "view_itemcertificate"]
ROLE_PERMISSIONS = {
    "制证中心": READ,
    "效能监察": [*READ, "view_historicalcertificate"],
    "系统管理员": [
        f"{action}_{model}"
        for model in ("certificatetype", "itemcertificate")
        for action in ("add", "change", "delete", "view")
    ]
    + ["view_certificate"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, "licenses", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "licenses", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("licenses", "0001_initial"), ("portal", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
