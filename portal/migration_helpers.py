"""Helpers for the data migrations that give roles their permissions.

Kept small and stable on purpose: migrations written today call them years from now.
"""

from django.contrib.auth.management import create_permissions


def grant_role_permissions(apps, app_label: str, role_permissions: dict[str, list[str]]) -> None:
    """Give each role (group, created if missing) the listed permissions of one app.

    Permissions are normally created after the whole migrate run; they are created here
    first so a data migration can use them.
    """
    for label in {app_label, "auth"}:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"Permissions of {app_label} not found for role {role}: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke_role_permissions(apps, app_label: str, role_permissions: dict[str, list[str]]) -> None:
    """Undo grant_role_permissions (for reversing a migration)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in role_permissions.items():
        group = Group.objects.filter(name=role).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
