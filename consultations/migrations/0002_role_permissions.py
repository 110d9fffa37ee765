"""Give the staff roles their permissions on questions and the FAQ; create the consultation role."""

from django.db import migrations

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

ANSWER = [
    "view_question",
    "answer_question",
    "view_message",
    "view_faqentry",
    "add_faqentry",
    "change_faqentry",
    "view_replylimit",
]
ROLE_PERMISSIONS = {
    "咨询人员": ANSWER,
    "窗口人员": ANSWER,
    "效能监察": ["view_question", "view_message", "view_faqentry", "view_replylimit"],
    "系统管理员": ["view_replylimit", "add_replylimit", "change_replylimit", "delete_replylimit"],
}
# Consultation staff read the catalogue, as the window clerks do, to answer about an item.
CATALOGUE = {"咨询人员": ["view_serviceitem", "view_servicematerial"]}


def grant(apps, schema_editor):
    grant_role_permissions(apps, "consultations", ROLE_PERMISSIONS)
    grant_role_permissions(apps, "approvals", CATALOGUE)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "consultations", ROLE_PERMISSIONS)
    revoke_role_permissions(apps, "approvals", CATALOGUE)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_questions"), ("approvals", "0009_encrypt_personal_identifiers")]

    operations = [migrations.RunPython(grant, revoke)]
