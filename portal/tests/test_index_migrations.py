"""The staff lists' indexes are built on PostgreSQL without blocking writes to the big tables."""

import io

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

BIG_TABLE_INDEXES = [
    ("approvals", "0013_staff_lists_ordered_by_index"),
    ("licenses", "0020_print_queue_ordered_by_index"),
]


@pytest.mark.parametrize(("app_label", "name"), BIG_TABLE_INDEXES)
def test_the_index_migration_runs_outside_a_transaction(app_label, name):
    assert MigrationLoader(None, ignore_no_migrations=True).get_migration(app_label, name).atomic is False


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # sqlmigrate refuses a transaction
@pytest.mark.parametrize(("app_label", "name"), BIG_TABLE_INDEXES)
def test_on_postgresql_the_indexes_are_built_and_dropped_concurrently(requires_postgresql, app_label, name):
    forwards, backwards = io.StringIO(), io.StringIO()
    call_command("sqlmigrate", app_label, name, stdout=forwards)
    call_command("sqlmigrate", app_label, name, backwards=True, stdout=backwards)
    for sql in (forwards.getvalue(), backwards.getvalue()):
        statements = [line for line in sql.splitlines() if line.startswith(("CREATE INDEX", "DROP INDEX"))]
        assert statements and all("CONCURRENTLY" in line for line in statements), sql
