"""Create the staff roles as groups with explicit permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    ]
    + ["view_group"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after the whole migrate run; create them now.
    for app_label in ("portal", "auth"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label__in=["portal", "auth"], codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for role {name}: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
