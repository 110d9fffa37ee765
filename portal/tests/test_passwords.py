"""Password rules, the notice and audit row after every change, and the forced change after an administrator's reset."""

import re

import pytest
from django.contrib.auth import password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from portal.management.commands.seed_demo import DEMO_PASSWORD
from portal.models import AuditEvent
from portal.tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["lisi2026", "short-Pass1", "qwerty123456", "123456789012345"])
def test_it_refuses_weak_passwords(password):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password)


@pytest.mark.parametrize("password", [DEMO_PASSWORD, factories.PASSWORD, "a-Long-passphrase-42"])
def test_it_accepts_the_demo_and_test_passwords(password):
    password_validation.validate_password(password)


def test_the_refusal_of_lisi2026_is_in_chinese(client, citizen):
    client.force_login(citizen)
    with translation.override("zh-hans"):
        response = client.post(
            reverse("password_change"),
            {"old_password": factories.PASSWORD, "new_password1": "lisi2026", "new_password2": "lisi2026"},
        )
    assert response.status_code == 200
    assert "密码长度太短。密码必须包含至少 12 个字符。" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.check_password(factories.PASSWORD)


def test_registration_refuses_a_short_password(client):
    response = client.post(
        reverse("register_citizen"),
        {
            "username": "lisi",
            "real_name": "李四",
            "id_number": factories.id_number(),
            "mobile": "13700000000",
            "email": "lisi@example.com",
            "password1": "lisi2026",
            "password2": "lisi2026",
        },
    )
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors


def test_a_change_of_ones_own_password_is_audited_and_told_by_mail(client, citizen, django_capture_on_commit_callbacks):
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_change"),
            {
                "old_password": factories.PASSWORD,
                "new_password1": "another-Long-phrase-7",
                "new_password2": "another-Long-phrase-7",
            },
        )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.actor_username == "alice" and event.target_id == str(citizen.pk)
    assert citizen.notifications.get().kind == "password_changed"
    assert [m.to for m in mail.outbox] == [[citizen.email]]


def test_a_reset_by_the_mailed_link_is_audited_and_told_by_mail(client, citizen, django_capture_on_commit_callbacks):
    client.post(reverse("password_reset"), {"email": citizen.email})
    link = re.search(r"(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_url, {"new_password1": "reset-Long-phrase-9", "new_password2": "reset-Long-phrase-9"}
        )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.target_id == str(citizen.pk)
    assert citizen.notifications.get().kind == "password_changed"
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [citizen.email]


def test_an_owner_without_e_mail_is_told_by_text_message(
    client, citizen, sms_outbox, django_capture_on_commit_callbacks
):
    citizen.email = ""
    citizen.save()
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("password_change"),
            {
                "old_password": factories.PASSWORD,
                "new_password1": "another-Long-phrase-7",
                "new_password2": "another-Long-phrase-7",
            },
        )
    [message] = sms_outbox
    assert message.mobile == citizen.mobile and "alice" in message.text
    assert not mail.outbox


def test_a_failed_change_is_neither_audited_nor_told(client, citizen):
    client.force_login(citizen)
    client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "another-Long-phrase-7", "new_password2": "another-Long-phrase-7"},
    )
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED).exists()
    assert not citizen.notifications.exists()


@pytest.mark.parametrize(
    "url_name", ["me", "home", "admin:index", "admin:portal_department_changelist", "password_change_done"]
)
def test_an_account_whose_password_an_administrator_set_is_led_to_the_password_change(url_name, client, clerk):
    clerk.must_change_password = True
    clerk.save()
    client.force_login(clerk)
    response = client.get(reverse(url_name))
    if url_name == "password_change_done":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"] == reverse("password_change")


def test_the_forced_change_ends_once_the_owner_chose_a_password(client, clerk):
    clerk.must_change_password = True
    clerk.save()
    client.force_login(clerk)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and page.context["user"].must_change_password
    client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "my-Own-phrase-2026",
            "new_password2": "my-Own-phrase-2026",
        },
    )
    clerk.refresh_from_db()
    assert not clerk.must_change_password
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_account_without_a_forced_change_goes_where_it_asked(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("admin:index")).status_code == 200
