"""Separated duties: the system administrator keeps the certificate types but reads no certificate."""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {"系统管理员": ["view_certificate"]}


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "licenses", ROLE_PERMISSIONS)


def grant(apps, schema_editor):
    grant_role_permissions(apps, "licenses", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("licenses", "0016_encrypt_personal_identifiers")]

    operations = [migrations.RunPython(revoke, grant)]
