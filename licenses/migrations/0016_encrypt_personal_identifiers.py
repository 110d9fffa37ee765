"""Encrypt certificate holders' and collectors' ID numbers at rest, with a keyed hash beside each.

The holder's index moves to the hash (an index on tokens finds nothing), the hash columns are
added, the columns become text (a token is longer than its number), the rows (the certificate
history's too) are encrypted and hashed in batches, then the fields become encrypted ones.
Reversing decrypts the rows back into the plain columns.
"""

from django.db import migrations, models

import portal.fields
from portal.migration_helpers import decrypt_personal_data, encrypt_personal_data

# (model, field, blank)
FIELDS = [
    ("certificate", "holder_id_number", False),
    ("historicalcertificate", "holder_id_number", False),
    ("printjob", "collector_id_number", True),
]
VERBOSE = {"holder_id_number": "holder ID number or credit code", "collector_id_number": "collector ID number"}


def encrypt(apps, schema_editor):
    for model, name, _blank in FIELDS:
        encrypt_personal_data(apps, "licenses", model, [name])


def decrypt(apps, schema_editor):
    for model, name, _blank in FIELDS:
        decrypt_personal_data(apps, "licenses", model, [name])


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0015_print_delivery_and_cancel"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="certificate", name="licenses_ce_holder__c6c10f_idx"),
        *[
            migrations.AddField(
                model_name=model,
                name=f"{name}_hash",
                field=models.CharField(
                    blank=True, db_index=True, editable=False, max_length=64, verbose_name="keyed hash for look-up"
                ),
            )
            for model, name, _blank in FIELDS
        ],
        *[
            migrations.AlterField(model_name=model, name=name, field=models.TextField(blank=blank))
            for model, name, blank in FIELDS
        ],
        migrations.RunPython(encrypt, decrypt, elidable=False),
        *[
            migrations.AlterField(
                model_name=model,
                name=name,
                field=portal.fields.EncryptedCharField(blank=blank, max_length=18, verbose_name=VERBOSE[name]),
            )
            for model, name, blank in FIELDS
        ],
        *[
            migrations.AlterField(
                model_name=model,
                name=f"{name}_hash",
                field=portal.fields.LookupHashField(source=name, verbose_name="keyed hash for look-up"),
            )
            for model, name, _blank in FIELDS
        ],
    ]
