"""Encrypt applications' ID numbers and phones at rest, with a keyed hash beside each.

The hash columns are added, the columns become text (a token is longer than its number), the
rows are encrypted and hashed in batches, then the fields become encrypted ones. Reversing
decrypts the rows back into the plain columns.
"""

from django.db import migrations, models

import portal.fields
import portal.validators
from portal.migration_helpers import decrypt_personal_data, encrypt_personal_data

FIELDS = ["applicant_id_number", "contact_phone", "delivery_phone", "agent_id_number"]


def encrypt(apps, schema_editor):
    encrypt_personal_data(apps, "approvals", "Application", FIELDS)


def decrypt(apps, schema_editor):
    decrypt_personal_data(apps, "approvals", "Application", FIELDS)


def _hash_column():
    return models.CharField(
        blank=True, db_index=True, editable=False, max_length=64, verbose_name="keyed hash for look-up"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0008_stored_file_extensions_and_draft_purge_notice"),
    ]

    operations = [
        *[migrations.AddField(model_name="application", name=f"{name}_hash", field=_hash_column()) for name in FIELDS],
        migrations.AlterField(model_name="application", name="applicant_id_number", field=models.TextField()),
        *[
            migrations.AlterField(model_name="application", name=name, field=models.TextField(blank=True))
            for name in FIELDS[1:]
        ],
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AlterField(
            model_name="application",
            name="applicant_id_number",
            field=portal.fields.EncryptedCharField(max_length=18, verbose_name="ID number or credit code"),
        ),
        migrations.AlterField(
            model_name="application",
            name="contact_phone",
            field=portal.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="contact phone"),
        ),
        migrations.AlterField(
            model_name="application",
            name="delivery_phone",
            field=portal.fields.EncryptedCharField(blank=True, max_length=20, verbose_name="recipient phone"),
        ),
        migrations.AlterField(
            model_name="application",
            name="agent_id_number",
            field=portal.fields.EncryptedCharField(
                blank=True,
                max_length=18,
                validators=[portal.validators.validate_id_number],
                verbose_name="agent's ID number",
            ),
        ),
        *[
            migrations.AlterField(
                model_name="application",
                name=f"{name}_hash",
                field=portal.fields.LookupHashField(source=name, verbose_name="keyed hash for look-up"),
            )
            for name in FIELDS
        ],
    ]
