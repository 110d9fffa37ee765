"""Helpers for migrations: roles' permissions, encrypted fields, indexes built without blocking writes.

Kept small and stable on purpose: migrations written today call them years from now.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.postgres import operations as postgres
from django.db import migrations


class _ConcurrentlyOnPostgreSQL:
    """Run an index operation's concurrent form on PostgreSQL and its plain form elsewhere (SQLite)."""

    concurrent: type
    plain: type

    def _form(self, schema_editor) -> type:
        return self.concurrent if schema_editor.connection.vendor == "postgresql" else self.plain

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._form(schema_editor).database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._form(schema_editor).database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexConcurrently(_ConcurrentlyOnPostgreSQL, postgres.AddIndexConcurrently):
    """Add an index without blocking writes on PostgreSQL (CREATE INDEX CONCURRENTLY); plainly elsewhere.

    On a table of a million applications a plain CREATE INDEX stops filing, intake and approvals
    until it is built. The migration using it sets ``atomic = False``, as PostgreSQL requires.
    """

    concurrent, plain = postgres.AddIndexConcurrently, migrations.AddIndex


class RemoveIndexConcurrently(_ConcurrentlyOnPostgreSQL, postgres.RemoveIndexConcurrently):
    """Drop an index without blocking writes on PostgreSQL (DROP INDEX CONCURRENTLY); plainly elsewhere."""

    concurrent, plain = postgres.RemoveIndexConcurrently, migrations.RemoveIndex


def grant_role_permissions(apps, app_label: str, role_permissions: dict[str, list[str]]) -> None:
    """Give each role (group, created if missing) the listed permissions of one app.

    Permissions are normally created after the whole migrate run; they are created here
    first so a data migration can use them.
    """
    for label in {app_label, "auth"}:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"Permissions of {app_label} not found for role {role}: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke_role_permissions(apps, app_label: str, role_permissions: dict[str, list[str]]) -> None:
    """Undo grant_role_permissions (for reversing a migration)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in role_permissions.items():
        group = Group.objects.filter(name=role).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def _keyset_batches(queryset, batch_size: int):
    """Yield lists of rows in primary-key order, each read afresh after the previous one was written."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        batch = list(page[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def encrypt_personal_data(apps, app_label: str, model_name: str, fields: list[str], batch_size: int = 500) -> None:
    """Encrypt the plain values of ``fields`` and fill each ``<field>_hash``, a batch at a time.

    Run while the historical fields are still plain text columns (a TextField and a CharField),
    so the rows are read and written as they are stored. A value that already is a token (a
    second run) is left as it is.
    """
    from portal import personal_data  # noqa: PLC0415 - keys are read when the migration runs

    model = apps.get_model(app_label, model_name)
    hashes = [f"{name}_hash" for name in fields]
    for batch in _keyset_batches(model.objects.only("pk", *fields, *hashes), batch_size):
        for row in batch:
            for name in fields:
                value = getattr(row, name)
                if value and _is_token(personal_data, value):
                    value = personal_data.decrypt(value)
                else:
                    setattr(row, name, personal_data.encrypt(value))
                setattr(row, f"{name}_hash", personal_data.lookup_hash(value))
        model.objects.bulk_update(batch, [*fields, *hashes])


def decrypt_personal_data(apps, app_label: str, model_name: str, fields: list[str], batch_size: int = 500) -> None:
    """Undo encrypt_personal_data: write the plain values back (the hash columns are dropped after)."""
    from portal import personal_data  # noqa: PLC0415

    model = apps.get_model(app_label, model_name)
    for batch in _keyset_batches(model.objects.only("pk", *fields), batch_size):
        for row in batch:
            for name in fields:
                value = getattr(row, name)
                if value and _is_token(personal_data, value):
                    setattr(row, name, personal_data.decrypt(value))
        model.objects.bulk_update(batch, fields)


def _is_token(personal_data, value: str) -> bool:
    try:
        personal_data.decrypt(value)
    except personal_data.PersonalDataKeyError:
        return False
    return True
