"""Supervisors read every rating and rectification (the departments' working screens come with their own grants)."""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {"效能监察": ["view_rating", "view_rectification"]}


def grant(apps, schema_editor):
    grant_role_permissions(apps, "consultations", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "consultations", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0005_ratings")]

    operations = [migrations.RunPython(grant, revoke)]
