"""Password reset: limited per address and per e-mail, the same answer whether an account exists or not."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.tests import factories

pytestmark = pytest.mark.django_db


def _reset(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_fifteen_requests_for_one_account_send_at_most_the_limit(client, citizen, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_EMAIL = "3/h"
    responses = [_reset(client, citizen.email, REMOTE_ADDR=f"203.0.113.{n}") for n in range(15)]
    assert len(mail.outbox) == 3
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, reverse("password_reset_done"))}


def test_the_e_mail_limit_ignores_the_letter_case(client, citizen, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_EMAIL = "2/h"
    for n, email in enumerate([citizen.email, citizen.email.upper(), f" {citizen.email.title()} "]):
        _reset(client, email, REMOTE_ADDR=f"203.0.113.{n}")
    assert len(mail.outbox) == 2


def test_one_address_may_ask_for_a_few_accounts_only(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_IP = "5/h"
    people = [factories.citizen(f"person{n}", "张三") for n in range(8)]
    for person in people:
        _reset(client, person.email)
    assert len(mail.outbox) == 5


def test_known_unknown_and_limited_addresses_get_the_same_answer(client, citizen, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_EMAIL = "1/h"
    known = _reset(client, citizen.email, REMOTE_ADDR="203.0.113.1")
    unknown = _reset(client, "nobody@example.com", REMOTE_ADDR="203.0.113.2")
    limited = _reset(client, citizen.email, REMOTE_ADDR="203.0.113.3")
    assert len(mail.outbox) == 1
    answers = {(r.status_code, r["Location"], r.content) for r in (known, unknown, limited)}
    assert len(answers) == 1
    done = client.get(known["Location"])
    assert done.status_code == 200


def test_the_reset_mail_is_sent_by_a_worker_not_in_the_request(client, citizen, monkeypatch):
    from portal import tasks  # noqa: PLC0415

    queued = []
    monkeypatch.setattr(tasks.password_reset_email_send, "apply_async", lambda args, **kw: queued.append(args))
    _reset(client, citizen.email)
    assert mail.outbox == []
    assert queued == [[citizen.email, "zh-hans"]]


def test_the_reset_mail_links_to_the_public_address(client, citizen, settings):
    settings.PORTAL_BASE_URL = "https://zwfw.example.gov.cn"
    _reset(client, citizen.email)
    assert "https://zwfw.example.gov.cn/accounts/reset/" in mail.outbox[0].body
    assert "zwfw.example.gov.cn" in mail.outbox[0].body.split("\n")[0]
