"""Give the staff roles their permissions on the hall's windows, slots, appointments and queue numbers."""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

MANAGE = [
    f"{action}_{model}"
    for model in ("counter", "openingrule", "closure")
    for action in ("add", "change", "delete", "view")
]
READ = ["view_counter", "view_openingrule", "view_closure", "view_slot", "view_appointment", "view_queueticket"]
ROLE_PERMISSIONS = {
    "窗口人员": [*READ, "check_in_appointment", "book_for_visitor", "add_closure"],
    "效能监察": [*READ, "view_bookingsuspension"],
    "系统管理员": [*MANAGE, "view_slot"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, "consultations", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "consultations", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0003_appointments")]

    operations = [migrations.RunPython(grant, revoke)]
