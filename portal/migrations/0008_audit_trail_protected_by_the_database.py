"""Refuse UPDATE and early DELETE of audit rows in PostgreSQL itself; let the auditor read the trail.

The trigger refuses every UPDATE, and a DELETE of any row younger than 184 days (the legal
minimum, six months): the nightly purge still removes older rows, nothing removes fresher ones.
On other databases (SQLite in development) only the model refuses.
"""

from django.db import migrations, models

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

PROTECT_SQL = """
CREATE OR REPLACE FUNCTION portal_auditevent_protect() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit records cannot be changed (portal_auditevent %)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.created_at > now() - interval '184 days' THEN
        RAISE EXCEPTION 'audit records are kept 184 days: row % is from %', OLD.id, OLD.created_at
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER portal_auditevent_protect
    BEFORE UPDATE OR DELETE ON portal_auditevent
    FOR EACH ROW EXECUTE FUNCTION portal_auditevent_protect();
"""

UNPROTECT_SQL = """
DROP TRIGGER IF EXISTS portal_auditevent_protect ON portal_auditevent;
DROP FUNCTION IF EXISTS portal_auditevent_protect();
"""

AUDITOR_PERMISSIONS = {
    "portal": {"审计管理员": ["view_auditevent"]},
    "axes": {"审计管理员": ["view_accessattempt", "view_accesslog", "view_accessfailurelog"]},
}


def protect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PROTECT_SQL, params=None)


def unprotect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNPROTECT_SQL, params=None)


def grant(apps, schema_editor):
    for app_label, role_permissions in AUDITOR_PERMISSIONS.items():
        grant_role_permissions(apps, app_label, role_permissions)


def revoke(apps, schema_editor):
    for app_label, role_permissions in AUDITOR_PERMISSIONS.items():
        revoke_role_permissions(apps, app_label, role_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("axes", "0010_accessattemptexpiration"),
        ("portal", "0007_audit_trail_and_security_roles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="ip_address",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address"),
        ),
        migrations.RunPython(protect, unprotect, elidable=False),
        migrations.RunPython(grant, revoke),
    ]
