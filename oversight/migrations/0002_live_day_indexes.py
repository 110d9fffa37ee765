"""Indexes on the timestamps the statistics count today's events by (oversight/stats/figures.py).

The page counts the days after the snapshot live, with a range on each event's timestamp; without
these indexes each range would scan a whole table (1,000,000 applications: see make bench-stats).
They are created here, with the statistics that need them, rather than in each app's models: no
model code reads them, and IF NOT EXISTS keeps them harmless if an app later declares its own.
The ratings' own index on rated_at is declared by consultations (ratings_rated_idx).
"""

from django.db import migrations

INDEXES = [
    ("oversight_app_submitted_idx", "approvals_application", "submitted_at"),
    ("oversight_app_accepted_idx", "approvals_application", "accepted_at"),
    ("oversight_app_decided_idx", "approvals_application", "decided_at"),
    ("oversight_cert_issued_idx", "licenses_certificate", "issued_at"),
    ("oversight_printjob_delivered_idx", "licenses_printjob", "delivered_at"),
    ("oversight_question_replied_idx", "consultations_question", "first_reply_at"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_stats"),
        ("approvals", "0009_encrypt_personal_identifiers"),
        ("licenses", "0017_administrator_reads_no_certificates"),
        ("consultations", "0006_rating_roles"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, column in INDEXES
    ]
