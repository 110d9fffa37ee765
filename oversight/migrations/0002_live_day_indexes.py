"""Formerly: indexes on other apps' tables, created here with raw SQL.

Those indexes are now declared by the models they belong to (approvals 0012, licenses 0018,
consultations 0009), and 0004 drops the ones an earlier version of this migration made. The
migration stays, empty, so that databases that applied it keep a consistent history.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_stats"),
        ("approvals", "0009_encrypt_personal_identifiers"),
        ("licenses", "0017_administrator_reads_no_certificates"),
        ("consultations", "0006_rating_roles"),
    ]

    operations = []
