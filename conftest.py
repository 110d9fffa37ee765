"""The shared cast of test actors, one fixture per role (citizens, enterprise, clerk, reviewers, printer, ...)."""

import os
import subprocess
import sys
import tempfile
import time
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals.tests import factories as approval_factories
from portal import roles
from portal.celery import app
from portal.clock import calendar
from portal.templatetags import layout
from portal.tests import factories


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    """Hash passwords quickly and give each test a fresh cache, layout fragments and calendar."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test that reads /me/ reads it held (as production does), so a write that fails to drop
    # the person's version shows as a stale page.
    settings.PERSONAL_CENTRE_HOLD_SECONDS = 1800
    cache.clear()
    layout.forget()
    calendar.invalidate()
    yield
    cache.clear()
    layout.forget()
    calendar.invalidate()


@pytest.fixture(autouse=True)
def _staff_logged_in_with_second_factor(monkeypatch):
    """Make client.force_login(staff) a login that passed the second factor, as the admin requires.

    Tests of the second-factor step itself log in with the password through the login page
    (portal/tests/test_two_factor.py), never with force_login.
    """
    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if user.is_staff:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="test", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture
def construction_department(db):
    return factories.department("zjj", "市住房和城乡建设局")


@pytest.fixture
def market_department(db):
    return factories.department("scjg", "市市场监督管理局")


@pytest.fixture
def citizen(db):
    return factories.citizen("alice", "张爱丽")


@pytest.fixture
def other_citizen(db):
    return factories.citizen("bob", "李博")


@pytest.fixture
def enterprise(db):
    return factories.enterprise("acme")


@pytest.fixture
def clerk(db):
    return factories.staff("clerk", roles.CLERK)


@pytest.fixture
def reviewer(construction_department):
    return factories.staff("reviewer", roles.REVIEWER, construction_department)


@pytest.fixture
def other_reviewer(market_department):
    return factories.staff("reviewer2", roles.REVIEWER, market_department)


@pytest.fixture
def consultant(construction_department):
    """Consultation staff of the construction department (住建局)."""
    return factories.staff("consultant", roles.CONSULTANT, construction_department, staff_number="ZJ0107")


@pytest.fixture
def other_consultant(market_department):
    """Consultation staff of the market regulation department (市场监管局)."""
    return factories.staff("consultant2", roles.CONSULTANT, market_department, staff_number="SC0215")


@pytest.fixture
def print_operator(db):
    return factories.staff("printer", roles.PRINT_OPERATOR)


@pytest.fixture
def supervisor(db):
    return factories.staff("supervisor", roles.SUPERVISOR)


@pytest.fixture
def administrator(db):
    return factories.staff("administrator", roles.ADMINISTRATOR)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Keep uploaded test files out of the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def permit_item(construction_department):
    """A level-4 construction permit item with two required materials and extra fields."""
    return approval_factories.item(construction_department, code="ZJJ-XK-0002")


@pytest.fixture(autouse=True)
def _celery_eager():
    """Run Celery tasks inline in tests (the real-worker test starts its own worker)."""
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def requires_postgresql(db):
    """Skip outside CI when the database is not PostgreSQL; in CI (CI set) fail instead."""

    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI must run this test on PostgreSQL: set DATABASE_URL")
        pytest.skip("needs PostgreSQL: set DATABASE_URL")


@pytest.fixture
def real_worker(requires_postgresql, settings):
    """Start a Celery worker process on its own queue, against the test database and Redis.

    Yields the queue name; tasks sent there with apply_async(queue=...) run in the worker.
    """

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        if os.environ.get("CI"):
            pytest.fail("CI must run this test with CELERY_BROKER_URL on Redis")
        pytest.skip("needs Redis: set CELERY_BROKER_URL=redis://...")
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    queue = f"test-{uuid.uuid4().hex[:8]}"
    hostname = f"{queue}@localhost"
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally block below
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "-Q", queue, "-n", hostname],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 30
        while not app.control.ping(destination=[hostname], timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"the Celery worker did not start: {log.read().decode()[-2000:]}")
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    """Keep every text message in portal.sms.outbox, as Django keeps test e-mail in mail.outbox."""
    from portal import sms  # noqa: PLC0415

    settings.SMS_BACKEND = "portal.sms.backends.locmem.SmsBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def sms_outbox():
    """Return the text messages sent during the test."""
    from portal import sms  # noqa: PLC0415

    return sms.outbox
