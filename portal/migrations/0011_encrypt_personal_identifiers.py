"""Encrypt users' ID numbers and mobiles at rest, with a keyed hash beside each for exact look-up.

In order: the unique ID number moves off the column (tokens all differ), the hash columns are
added, the columns become text (a token is longer than its number), the rows are encrypted and
hashed in batches, then the fields become encrypted ones and uniqueness is the hash's. Reversing
decrypts the rows back into the plain columns.
"""

from django.db import migrations, models

import portal.fields
import portal.validators
from portal.migration_helpers import decrypt_personal_data, encrypt_personal_data

FIELDS = ["id_number", "mobile"]


def encrypt(apps, schema_editor):
    encrypt_personal_data(apps, "portal", "User", FIELDS)


def decrypt(apps, schema_editor):
    decrypt_personal_data(apps, "portal", "User", FIELDS)


def _hash_column():
    return models.CharField(
        blank=True, db_index=True, editable=False, max_length=64, verbose_name="keyed hash for look-up"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0010_walk_in_usernames_without_identity"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="user", name="portal_user_unique_id_number"),
        migrations.AddField(model_name="user", name="id_number_hash", field=_hash_column()),
        migrations.AddField(model_name="user", name="mobile_hash", field=_hash_column()),
        migrations.AlterField(model_name="user", name="id_number", field=models.TextField(blank=True)),
        migrations.AlterField(model_name="user", name="mobile", field=models.TextField(blank=True)),
        migrations.RunPython(encrypt, decrypt, elidable=False),
        migrations.AlterField(
            model_name="user",
            name="id_number",
            field=portal.fields.EncryptedCharField(
                blank=True,
                max_length=18,
                validators=[portal.validators.validate_id_number],
                verbose_name="resident ID number",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="mobile",
            field=portal.fields.EncryptedCharField(
                blank=True, max_length=11, validators=[portal.validators.validate_mobile], verbose_name="mobile number"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="id_number_hash",
            field=portal.fields.LookupHashField(source="id_number", verbose_name="keyed hash for look-up"),
        ),
        migrations.AlterField(
            model_name="user",
            name="mobile_hash",
            field=portal.fields.LookupHashField(source="mobile", verbose_name="keyed hash for look-up"),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_hash", ""), _negated=True),
                fields=("id_number_hash",),
                name="portal_user_unique_id_number",
                violation_error_message="ID number: another account already has this ID number.",
            ),
        ),
    ]
