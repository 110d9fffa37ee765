"""The admin at a path and on a host the operator chooses (ADMIN_URL_PATH, ADMIN_HOST)."""

import importlib
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import clear_url_caches, reverse

import portal.urls

pytestmark = pytest.mark.django_db

ADMIN_HOST = "admin.zwfw.example.gov.cn"
PUBLIC_HOST = "zwfw.example.gov.cn"


@pytest.fixture
def admin_host(settings):
    settings.ADMIN_HOST = ADMIN_HOST
    settings.ALLOWED_HOSTS = [PUBLIC_HOST, ADMIN_HOST]
    return ADMIN_HOST


@pytest.fixture
def admin_at(settings):
    """Move the admin to another prefix for one test (the URLs are read again)."""
    original = django_settings.ADMIN_URL_PATH

    def move(path):
        settings.ADMIN_URL_PATH = path
        importlib.reload(portal.urls)
        clear_url_caches()

    yield move
    settings.ADMIN_URL_PATH = original
    importlib.reload(portal.urls)
    clear_url_caches()


def test_the_admin_host_refuses_the_admin_on_other_hosts(client, admin_host, clerk):
    client.force_login(clerk)
    for path in (
        reverse("admin:index"),
        reverse("admin:approvals_application_changelist"),
        reverse("two_factor:verify"),
    ):
        assert client.get(path, HTTP_HOST=PUBLIC_HOST).status_code == 404, path
        assert client.get(path, HTTP_HOST=ADMIN_HOST).status_code in (200, 302), path
    assert client.get(reverse("admin:login"), HTTP_HOST=PUBLIC_HOST).status_code == 404


def test_the_admin_host_serves_only_the_admin_and_logging_in(client, admin_host):
    assert client.get("/", HTTP_HOST=ADMIN_HOST)["Location"] == reverse("admin:index")
    assert client.get(reverse("approvals:catalogue"), HTTP_HOST=ADMIN_HOST).status_code == 404
    assert client.get(reverse("register"), HTTP_HOST=ADMIN_HOST).status_code == 404
    assert client.get(reverse("login"), HTTP_HOST=ADMIN_HOST).status_code == 200
    assert client.get(reverse("admin:login"), HTTP_HOST=ADMIN_HOST).status_code == 200
    assert client.get(reverse("approvals:catalogue"), HTTP_HOST=PUBLIC_HOST).status_code == 200
    assert client.get(reverse("admin:index"), HTTP_HOST=f"{ADMIN_HOST}:443").status_code == 302, "a port is ignored"


def test_staff_told_to_change_their_password_can_do_it_on_the_admin_host(client, admin_host, clerk):
    clerk.must_change_password = True
    clerk.save(update_fields=["must_change_password"])
    client.force_login(clerk)
    sent = client.get(reverse("admin:index"), HTTP_HOST=ADMIN_HOST)
    assert sent["Location"] == reverse("password_change")
    assert client.get(sent["Location"], HTTP_HOST=ADMIN_HOST).status_code == 200


def test_without_an_admin_host_every_allowed_host_serves_the_admin(client, settings):
    settings.ALLOWED_HOSTS = [PUBLIC_HOST, ADMIN_HOST]
    assert client.get(reverse("admin:login"), HTTP_HOST=PUBLIC_HOST).status_code == 200
    assert client.get(reverse("admin:login"), HTTP_HOST=ADMIN_HOST).status_code == 200


def test_admin_url_path_moves_the_admin_and_its_second_factor_step(client, admin_at, clerk):
    admin_at("staff-7f3a/")
    assert reverse("admin:index") == "/staff-7f3a/"
    assert reverse("two_factor:verify") == "/staff-7f3a/second-factor/"
    assert client.get("/admin/").status_code == 404
    assert client.get("/staff-7f3a/login/").status_code == 200
    client.force_login(clerk)
    assert client.get("/staff-7f3a/").status_code == 200


def test_the_moved_admin_is_still_never_stored_by_a_cache(client, admin_at):
    admin_at("staff-7f3a/")
    assert "no-store" in client.get("/staff-7f3a/login/")["Cache-Control"]


def test_a_staff_login_lands_on_the_moved_admin(client, admin_at, clerk):
    admin_at("staff-7f3a/")
    response = client.post(reverse("login"), {"username": "clerk", "password": "correct-horse-battery-staple"})
    assert response["Location"] == "/staff-7f3a/"


def _settings_in_a_process(**env):
    code = "from django.conf import settings; print(settings.ADMIN_URL_PATH, settings.ALLOWED_HOSTS)"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_settings_read_the_admin_path_and_host_from_the_environment():
    result = _settings_in_a_process(ADMIN_URL_PATH="/staff/", ADMIN_HOST="Admin.Example.cn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("staff/ ") and "'admin.example.cn'" in result.stdout
    refused = _settings_in_a_process(ADMIN_URL_PATH="/")
    assert refused.returncode != 0 and "ADMIN_URL_PATH" in refused.stderr


def test_nothing_hard_codes_the_admin_path():
    """Templates and code reverse the admin's URLs, so ADMIN_URL_PATH moves every link."""
    root = django_settings.BASE_DIR
    pattern = re.compile(r"""["'`]/admin[/"'`]""")
    offenders = []
    for folder in ("templates", "portal", "approvals", "licenses", "consultations", "oversight", "scripts", "static"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt", ".js"} or "tests" in path.parts or "vendor" in path.parts:
                continue
            if pattern.search(path.read_text(encoding="utf-8", errors="replace")):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
