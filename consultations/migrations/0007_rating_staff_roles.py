"""The departments' working screens of ratings: who handles bad reviews, who decides appeals.

Reviewers and consultation staff handle their department's rectifications, window clerks the
general window's (the queryset and the service decide which); they read the ratings of their
queue. Supervisors, who read everything since 0006, may also handle one and alone decide appeals.
The pending appeals get a partial index for the supervisors' queue.
"""

from django.db import migrations, models

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

HANDLE = ["view_rectification", "change_rectification", "view_rating"]
ROLE_PERMISSIONS = {
    "审批人员": HANDLE,
    "咨询人员": HANDLE,
    "窗口人员": HANDLE,
    "效能监察": ["change_rectification", "decide_appeal"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, "consultations", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "consultations", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0006_rating_roles")]

    operations = [
        migrations.AlterModelOptions(
            name="rectification",
            options={
                "ordering": ["current_due_at"],
                "permissions": [("decide_appeal", "Can decide an appeal against a rating")],
                "verbose_name": "rectification",
                "verbose_name_plural": "rectifications",
            },
        ),
        migrations.AddIndex(
            model_name="rectification",
            index=models.Index(
                condition=models.Q(("appeal", "pending")), fields=["appeal"], name="ratings_rect_appeal_idx"
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
