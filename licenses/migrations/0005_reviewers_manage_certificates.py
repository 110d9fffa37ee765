"""Reviewers manage (suspend, reinstate, revoke) the certificates of their own department."""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {"审批人员": ["view_certificate", "manage_certificate"]}


def grant(apps, schema_editor):
    grant_role_permissions(apps, "licenses", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "licenses", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("licenses", "0004_manage_permission")]

    operations = [migrations.RunPython(grant, revoke)]
