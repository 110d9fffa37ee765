"""Create the staff roles as groups with explicit permissions."""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions

VIEW_REFERENCE = ["view_department", "view_district", "view_calendarday"]
ROLE_PERMISSIONS = {
    "窗口人员": VIEW_REFERENCE,
    "审批人员": VIEW_REFERENCE,
    "制证中心": ["view_department", "view_district"],
    "效能监察": [*VIEW_REFERENCE, "view_user"],
    "系统管理员": [
        f"{action}_{model}"
        for model in ("user", "department", "district", "calendarday")
        for action in ("add", "change", "delete", "view")
    ],
}


def create_roles(apps, schema_editor):
    grant_role_permissions(apps, "portal", ROLE_PERMISSIONS)
    # Administrators assign roles to users, so they see the groups.
    grant_role_permissions(apps, "auth", {"系统管理员": ["view_group"]})


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
