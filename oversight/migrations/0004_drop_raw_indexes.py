"""Drop the indexes an earlier 0002 made with raw SQL on other apps' tables.

Each app's models now declare the same indexes under their own names (the dependencies below),
so nothing is left without one.
"""

from django.db import migrations

OLD_INDEXES = (
    "oversight_app_submitted_idx",
    "oversight_app_accepted_idx",
    "oversight_app_decided_idx",
    "oversight_cert_issued_idx",
    "oversight_printjob_delivered_idx",
    "oversight_question_replied_idx",
)


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0003_monthly_rollup_and_supervise"),
        ("approvals", "0012_statistics_indexes"),
        ("licenses", "0018_statistics_indexes"),
        ("consultations", "0009_statistics_indexes"),
    ]

    operations = [
        migrations.RunSQL(sql=f"DROP INDEX IF EXISTS {name}", reverse_sql=migrations.RunSQL.noop)
        for name in OLD_INDEXES
    ]
