"""The browser suite: Debian's Chromium driven by Playwright against pytest-django's live server.

Every fixture here is function-scoped and runs after serialized_rollback has restored what the
data migrations created (the role groups, the content types, ...), which the flush of an earlier
transactional test in the same session wiped. The browser too: see `browser` for why.
"""

import os

import pytest
from django.db import connections

from approvals.tests import factories as approval_factories
from licenses.tests import factories as license_factories

from .helpers import CHROMIUM, LAUNCH_ARGS

# Every test here runs against the live server: real transactions, and the migrations' rows restored first.
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _unavailable(reason):
    """Skip outside CI when there is no browser; in CI (CI set) fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser suite: {reason}")
    pytest.skip(reason)


@pytest.fixture
def browser(transactional_db):
    """Chromium for one test, started after the database was restored and closed before it is flushed.

    Playwright's sync API runs an event loop in the test's thread. While it runs, Django refuses ORM
    calls (SynchronousOnlyOperation: allowed here through DJANGO_ALLOW_ASYNC_UNSAFE) and asgiref hands
    the thread other database connections than the test set-up's, which hold the serialized contents
    to restore; so the browser lives inside the test's database set-up, never around it.
    """
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only the browser suite needs it
    except ImportError:
        _unavailable("playwright is not installed: pip install -r requirements.txt")
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            # Playwright gives each launch a fresh, temporary profile (user-data dir).
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
                connections.close_all()  # those opened while the loop ran
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def certificate_permit_item(permit_item, construction_department):
    """The construction permit (施工许可) item, which issues the permit certificate when approved."""
    license_factories.permit_type(construction_department, permit_item)
    return permit_item


@pytest.fixture
def pdf_files(tmp_path):
    """Two small PDF files on disk, as a citizen would pick them."""
    paths = []
    for name, text in (("施工许可申请表.pdf", "application form"), ("施工图审查合格书.pdf", "drawings approved")):
        path = tmp_path / name
        path.write_bytes(approval_factories.pdf_bytes(text))
        paths.append(path)
    return paths
