"""What the browser tests share: launching Chromium, pages at phone or desk width, logging in, screenshots."""

import os
from pathlib import Path

from django.conf import settings

from portal.tests import factories

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
TIMEOUT_MS = 15_000


def new_page(browser, viewport=PHONE):
    """Return a page in a fresh context (its own cookies), in Chinese as the portal's visitors read it."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def log_in(page, base_url, user):
    """Log in with the password at the login page."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()


def log_in_staff(page, base_url, user):
    """Log a member of staff in as the admin requires: the password, then the authenticator's code."""
    device = factories.totp_device(user)
    log_in(page, base_url, user)
    page.goto(f"{base_url}/{settings.ADMIN_URL_PATH}second-factor/")
    page.fill("input[name=code]", factories.totp_code(device))
    page.locator("form:has(input[name=code]) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith(settings.ADMIN_URL_PATH.rstrip("/")), page.url


def screenshot(page, name):
    """Save a screenshot of the whole page to docs/screenshots/ when SCREENSHOTS is set."""
    if os.environ.get("SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
