"""One seeded demo database per test module: seed_demo takes seconds, so its tests share it."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from portal.clock import calendar


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed the demo once for the module, inside a transaction rolled back at the end."""
    media = tmp_path_factory.mktemp("demo-media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=media, PASSWORD_HASHERS=hashers):
        cache.clear()
        calendar.invalidate()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            calendar.invalidate()
