"""Response headers: a CSP with no inline script or style, Permissions-Policy, no-store on personal and staff pages."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_every_page_carries_a_csp_without_inline_script_or_style(client):
    directives = _directives(client.get(reverse("home")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert "unsafe-inline" not in str(directives) and "unsafe-eval" not in str(directives)


def test_the_admin_carries_the_same_csp(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("admin:index"))
    assert _directives(response)["script-src"] == ["'self'"]


def test_every_page_carries_a_permissions_policy(client):
    policy = client.get(reverse("home"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_the_personal_centre_is_never_stored(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("me"))
    assert response.status_code == 200
    assert _no_store(response)


def test_any_page_seen_logged_in_is_never_stored(client, citizen):
    client.force_login(citizen)
    assert _no_store(client.get(reverse("home")))
    assert _no_store(client.get(reverse("approvals:catalogue")))


def test_staff_pages_are_never_stored(client, clerk):
    assert _no_store(client.get(reverse("admin:login")))
    client.force_login(clerk)
    assert _no_store(client.get(reverse("admin:index")))
    assert _no_store(client.get(reverse("admin:approvals_application_changelist")))


def test_public_pages_seen_anonymously_may_be_stored(client):
    assert not _no_store(client.get(reverse("home")))
    assert not _no_store(client.get(reverse("approvals:catalogue")))


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    found = []
    for template in sorted((django_settings.BASE_DIR / "templates").rglob("*.html")):
        text = template.read_text()
        found += [
            f"{template.relative_to(django_settings.BASE_DIR)}: {what}"
            for pattern, what in INLINE
            if pattern.search(text)
        ]
    assert found == []


def test_no_admin_code_writes_a_style_attribute():
    sources = [*django_settings.BASE_DIR.glob("*/admin/*.py"), *django_settings.BASE_DIR.glob("*/admin.py")]
    assert sources
    assert [str(path) for path in sources if re.search(r"\sstyle=", path.read_text())] == []
