"""Give the staff roles their permissions on the catalogue and applications."""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

READ_CASES = ["view_application", "view_materialfile", "view_correctionnotice", "view_correctionitem"]
READ_CATALOGUE = ["view_serviceitem", "view_servicematerial"]
ROLE_PERMISSIONS = {
    "窗口人员": [*READ_CATALOGUE, *READ_CASES, "intake_application"],
    "审批人员": [*READ_CATALOGUE, *READ_CASES, "review_application"],
    "制证中心": READ_CATALOGUE,
    "效能监察": [*READ_CATALOGUE, *READ_CASES, "approve_second_correction"],
    "系统管理员": [
        f"{action}_{model}"
        for model in ("serviceitem", "servicematerial")
        for action in ("add", "change", "delete", "view")
    ]
    + ["manage_catalogue"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, "approvals", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "approvals", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial"), ("portal", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
