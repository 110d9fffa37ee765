"""ID numbers and mobiles at rest: encrypted columns, keyed-hash look-up, key rotation."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.forms import modelform_factory
from django.test import override_settings
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.utils import translation

from approvals.services.walk_in import walk_in_applicant
from portal import personal_data, roles
from portal.fields import EncryptedCharField, LookupHashField
from portal.models import User
from portal.personal_data import exact_q, lookup_hash
from portal.services import personal_data_rotate
from portal.tests import factories

BASE_DIR = Path(__file__).resolve().parents[2]
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - names are ours
        return cursor.fetchone()[0]


def test_the_columns_hold_only_ciphertext_and_python_reads_plain_text(citizen):
    stored_id = _stored("portal_user", "id_number", citizen.pk)
    stored_mobile = _stored("portal_user", "mobile", citizen.pk)
    for stored, plain in ((stored_id, citizen.id_number), (stored_mobile, citizen.mobile)):
        assert stored.startswith("gAAAAA")  # a Fernet token
        assert plain not in stored and plain[-4:] not in stored and plain[:6] not in stored
    again = User.objects.get(pk=citizen.pk)
    assert (again.id_number, again.mobile) == (citizen.id_number, citizen.mobile)
    assert User.objects.values_list("id_number", flat=True).get(pk=citizen.pk) == citizen.id_number


def test_an_empty_value_stays_empty_so_the_citizen_check_still_reads_the_column(enterprise):
    assert _stored("portal_user", "id_number", enterprise.pk) == ""
    assert _stored("portal_user", "id_number_hash", enterprise.pk) == ""
    assert list(User.objects.filter(id_number="")) == [enterprise]
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=enterprise.pk).update(kind=User.Kind.CITIZEN)


@pytest.mark.parametrize("lookup", ["exact", "iexact", "startswith", "contains", "icontains", "regex", "in", "gt"])
def test_every_lookup_on_an_encrypted_field_but_empty_raises_a_clear_error(citizen, lookup):
    value = [citizen.id_number] if lookup == "in" else citizen.id_number[:6]
    with pytest.raises(FieldError, match=r"User\.id_number is encrypted.*exact_q"):
        list(User.objects.filter(**{f"id_number__{lookup}": value}))
    with pytest.raises(FieldError, match="encrypted"):
        list(User.objects.filter(**{f"mobile__{lookup}": value}))


def test_isnull_and_empty_are_the_lookups_left(citizen, enterprise):
    assert set(User.objects.filter(id_number__isnull=False)) == {citizen, enterprise}
    assert list(User.objects.exclude(id_number="")) == [citizen]


def test_exact_q_finds_by_the_keyed_hash_column_and_normalises(db):
    person = factories.citizen("xiaoming", id_number="11010519491231002X")
    with CaptureQueriesContext(connection) as queries:
        found = User.objects.get(exact_q("id_number", " 11010519491231002x "))
    assert found == person
    assert '"id_number_hash" =' in queries[0]["sql"]
    assert _stored("portal_user", "id_number_hash", person.pk) == lookup_hash("11010519491231002X")


def test_the_hash_follows_a_changed_value(citizen):
    old = citizen.id_number
    citizen.id_number = new = factories.id_number()
    citizen.save()
    assert User.objects.filter(exact_q("id_number", new)).get() == citizen
    assert not User.objects.filter(exact_q("id_number", old)).exists()
    user = User.objects.only("pk", "id_number").get(pk=citizen.pk)
    user.mobile = "13900001111"  # a deferred field: save() writes the loaded ones and its hash
    user.save()
    assert User.objects.filter(exact_q("mobile", "13900001111")).get() == citizen


def test_one_id_number_has_one_account_by_its_hash(citizen):
    twin = User(username="twin", kind=User.Kind.CITIZEN, id_number=citizen.id_number.lower())
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            twin.full_clean(exclude=["password"])
        assert refused.value.messages == ["ID number: another account already has this ID number."]
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="twin", kind=User.Kind.CITIZEN, id_number=citizen.id_number)


def test_a_form_changing_the_id_number_to_anothers_gets_an_error_not_a_crash(citizen, other_citizen):
    form_class = modelform_factory(User, fields=["username", "kind", "id_number"])
    data = {"username": other_citizen.username, "kind": "citizen", "id_number": citizen.id_number}
    form = form_class(data, instance=other_citizen)
    with translation.override("en"):
        assert not form.is_valid()
        assert form.non_field_errors() == ["ID number: another account already has this ID number."]
    data["id_number"] = factories.id_number()
    assert form_class(data, instance=User.objects.get(pk=other_citizen.pk)).is_valid()


def test_the_walk_in_look_up_uses_the_hash_index(citizen):
    with CaptureQueriesContext(connection) as queries:
        found = walk_in_applicant(kind=User.Kind.CITIZEN, id_number=citizen.id_number, name="张爱丽", mobile="")
    assert found == citizen
    assert '"portal_user"."id_number_hash" =' in queries[0]["sql"]
    assert '"portal_user"."id_number" =' not in queries[0]["sql"]


def test_rotation_re_encrypts_with_the_new_key_and_the_old_key_can_go(db, capsys):
    with override_settings(PERSONAL_DATA_KEYS=[OLD_KEY]):
        person = factories.citizen("rotated")
        staff = factories.staff("nomobile", roles.CLERK)
    with override_settings(PERSONAL_DATA_KEYS=[NEW_KEY, OLD_KEY]):
        call_command("rotate_personal_data_keys")
        assert "portal.User: 2 rows, 1 re-encrypted" in capsys.readouterr().out
        call_command("rotate_personal_data_keys")
        assert "Done: 0 rows re-encrypted." in capsys.readouterr().out
    with override_settings(PERSONAL_DATA_KEYS=[NEW_KEY]):
        again = User.objects.get(pk=person.pk)
        assert (again.id_number, again.mobile) == (person.id_number, person.mobile)
        assert User.objects.get(pk=staff.pk).mobile == ""
        assert Fernet(NEW_KEY).decrypt(_stored("portal_user", "id_number", person.pk)).decode() == person.id_number


def test_a_value_no_key_decrypts_is_a_clear_error(db):
    with override_settings(PERSONAL_DATA_KEYS=[OLD_KEY]):
        person = factories.citizen("lost")
    with override_settings(PERSONAL_DATA_KEYS=[NEW_KEY]), pytest.raises(personal_data.PersonalDataKeyError):
        User.objects.get(pk=person.pk)


def test_rehash_recomputes_the_hashes_from_the_plain_text_without_the_old_hash_key(db):
    with override_settings(PERSONAL_DATA_HASH_KEY="old-hash-key"):
        person = factories.citizen("rehashed")
    with override_settings(PERSONAL_DATA_HASH_KEY="new-hash-key"):
        assert not User.objects.filter(exact_q("id_number", person.id_number)).exists()
        counts = {c.model: c for c in personal_data_rotate(rehash=True, batch_size=1)}
        assert (counts["portal.User"].rows, counts["portal.User"].rehashed) == (1, 1)
        assert User.objects.filter(exact_q("id_number", person.id_number)).get() == person
        assert User.objects.filter(exact_q("mobile", person.mobile)).get() == person
        assert sum(count.rehashed for count in personal_data_rotate(rehash=True)) == 0


def test_a_change_made_during_rotation_is_not_overwritten(db):
    with override_settings(PERSONAL_DATA_KEYS=[OLD_KEY]):
        people = [factories.citizen(f"batch{n}") for n in range(3)]
    with override_settings(PERSONAL_DATA_KEYS=[NEW_KEY, OLD_KEY]):
        counts = {c.model: c for c in personal_data_rotate(batch_size=2)}
        assert (counts["portal.User"].rows, counts["portal.User"].reencrypted) == (3, 3)
    with override_settings(PERSONAL_DATA_KEYS=[NEW_KEY]):
        assert [User.objects.get(pk=p.pk).id_number for p in people] == [p.id_number for p in people]


@isolate_apps("portal.apps.PortalConfig")
def test_an_encrypted_field_without_its_hash_fails_the_system_check():
    class Leaky(models.Model):  # noqa: DJ008
        secret = EncryptedCharField(max_length=18)

    class Kept(models.Model):  # noqa: DJ008
        secret = EncryptedCharField(max_length=18)
        secret_hash = LookupHashField("secret")

    assert [e.id for e in Leaky._meta.get_field("secret").check()] == ["portal.E102"]
    assert Kept._meta.get_field("secret").check() == []


def test_debug_off_without_the_encryption_keys_is_refused(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PERSONAL_DATA_KEYS"}
    env.update(
        DEBUG="0",
        SECRET_KEY="x" * 60,
        PERSONAL_DATA_HASH_KEY="h" * 64,
        SMS_BACKEND="portal.sms.backends.console.SmsBackend",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    check = [sys.executable, "manage.py", "check"]
    result = subprocess.run(check, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "PERSONAL_DATA_KEYS must be set" in result.stderr
    env["PERSONAL_DATA_KEYS"] = f"{NEW_KEY},not-a-key"
    result = subprocess.run(check, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "PERSONAL_DATA_KEYS: key 2 is not a Fernet key" in result.stderr


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_encrypts_existing_rows_and_reverses_to_plain_text():
    before, after = (
        [("portal", "0010_walk_in_usernames_without_identity")],
        [("portal", "0011_encrypt_personal_identifiers")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_user = executor.loader.project_state(before).apps.get_model("portal", "User")
        row = old_user.objects.create(
            username="plain", kind="citizen", id_number="110101199003071233", mobile="13800138000"
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        assert _stored("portal_user", "id_number", row.pk).startswith("gAAAAA")
        assert "1233" not in _stored("portal_user", "id_number", row.pk)
        assert _stored("portal_user", "id_number_hash", row.pk) == lookup_hash("110101199003071233")
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        assert _stored("portal_user", "id_number", row.pk) == "110101199003071233"
        assert _stored("portal_user", "mobile", row.pk) == "13800138000"
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert User.objects.get(exact_q("mobile", "13800138000")).id_number == "110101199003071233"
