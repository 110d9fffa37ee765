"""Error pages: in the visitor's language (Chinese by default), each with a reference that is in the server log."""

import logging
import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from portal import views

pytestmark = pytest.mark.django_db

HELP = "If you need help, please give this number to the staff."


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "portal.tests.urls_failing"


def _reference(content: str) -> str:
    return re.search(r'<code class="ow-error-reference">([0-9a-f]{8})</code>', content).group(1)


def test_it_answers_a_failing_view_with_a_chinese_500_page_whose_reference_is_logged(production, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/test-explode/")
    assert response.status_code == 500
    content = response.content.decode()
    assert '<html lang="zh-hans">' in content
    assert _zh(HELP) in content
    assert _zh("Server error") in content
    reference = _reference(content)
    logged = [r for r in caplog.records if f"ref={reference}" in r.getMessage()]
    assert logged and logged[0].levelno == logging.ERROR
    assert "the kettle boiled dry" in str(logged[0].exc_info[1])


def test_the_500_page_needs_no_database_session_or_user(django_assert_num_queries):
    request = RequestFactory().get("/anything/")  # no session, no user: no context processor could run
    with django_assert_num_queries(0):
        try:
            raise RuntimeError("database down")
        except RuntimeError:
            response = views.server_error(request)
    content = response.content.decode()
    assert response.status_code == 500
    assert 'href="/static/css/portal.css"' in content  # the template, not the plain fallback
    assert _reference(content)


def test_each_500_gets_its_own_reference(production):
    client = Client(raise_request_exception=False)
    first = _reference(client.get("/test-explode/").content.decode())
    second = _reference(client.get("/test-explode/").content.decode())
    assert first != second


def test_it_answers_an_unknown_address_with_a_chinese_404_page_and_a_logged_reference(production, client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert '<html lang="zh-hans">' in content
    assert _zh("Page not found") in content and _zh(HELP) in content
    reference = _reference(content)
    assert any(f"ref={reference}" in r.getMessage() and "/no-such-page/" in r.getMessage() for r in caplog.records)


def test_it_answers_a_refusal_with_a_chinese_403_page_and_a_logged_reference(production, client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/test-refuse/")
    assert response.status_code == 403
    content = response.content.decode()
    assert _zh("Access denied") in content and _zh(HELP) in content
    reference = _reference(content)
    assert any(f"ref={reference}" in r.getMessage() for r in caplog.records)


def test_the_error_pages_follow_the_english_language_choice(production, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get("/no-such-page/").content.decode()
    assert '<html lang="en">' in content
    assert HELP in content


def test_a_form_sent_without_its_csrf_token_gets_a_chinese_page_and_a_logged_reference(caplog, citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    with caplog.at_level(logging.WARNING):
        response = client.post("/me/notifications/read/")
    assert response.status_code == 403
    content = response.content.decode()
    assert _zh("The page has expired") in content and _zh(HELP) in content
    reference = _reference(content)
    assert any(f"ref={reference}" in r.getMessage() for r in caplog.records)
