"""The second factor for staff, logged in the real way (password at the login page, then a code).

These tests never use client.force_login for staff: conftest.py makes that a login that already
passed the second factor, which is what the step under test must not be bypassed by.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals.tests import factories as approval_factories
from portal.models import AuditEvent, User
from portal.tests import factories
from portal.two_factor import services
from portal.two_factor.views import ENROL_KEY_SESSION_KEY

pytestmark = pytest.mark.django_db

VERIFY = "two_factor:verify"
ENROL = "two_factor:enrol"


def password_login(client, user, url=None):
    """Log in with the password only, as at the login page."""
    response = client.post(url or reverse("login"), {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302, "the password was accepted"
    return response


def second_factor_rows(outcome):
    return AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR, outcome=outcome)


def enrol(client, user):
    """Enrol an authenticator through the pages; return (device, recovery codes as typed)."""
    client.get(reverse(ENROL))
    key = client.session[ENROL_KEY_SESSION_KEY]
    code = factories.totp_code(TOTPDevice(key=key))
    response = client.post(reverse(ENROL), {"code": code}, follow=True)
    codes = [c.replace(" ", "") for c in response.context["codes"]]
    return TOTPDevice.objects.get(user=user), codes


# --- password alone reaches no admin page ------------------------------------------------------


def _admin_urls(application):
    urls = [
        reverse("admin:index"),
        reverse("admin:approvals_application_changelist"),
        reverse("admin:approvals_application_change", args=[application.pk]),
        reverse("admin:portal_user_change", args=[application.applicant.pk]),
        reverse("admin:password_change"),
        reverse("admin:licenses_certificate_import"),  # a view of the admin's own (get_urls)
    ]
    for model in admin.site._registry:
        urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    return urls


@pytest.mark.parametrize("enrolled", [True, False], ids=["with-a-device", "before-enrolment"])
def test_a_password_only_staff_login_reaches_no_admin_page(client, supervisor, permit_item, citizen, enrolled):
    application = approval_factories.submitted(permit_item, citizen)
    if enrolled:
        factories.totp_device(supervisor)
    password_login(client, supervisor)
    expected = reverse(VERIFY if enrolled else ENROL)
    for url in _admin_urls(application):
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        assert urlsplit(final).path == expected, url
        assert parse_qs(urlsplit(final).query)["next"] == [url], "the step goes on to the page asked for"
        assert response.status_code == 200
    assert not second_factor_rows(AuditEvent.Outcome.SUCCESS).exists()


def test_the_admin_login_form_also_leads_to_the_second_factor(client, clerk):
    factories.totp_device(clerk)
    response = client.post(
        reverse("admin:login"),
        {"username": "clerk", "password": factories.PASSWORD, "next": reverse("admin:index")},
        follow=True,
    )
    assert urlsplit(response.redirect_chain[-1][0]).path == reverse(VERIFY)


def test_a_session_without_a_device_id_is_not_verified_even_with_a_device(client, clerk):
    factories.totp_device(clerk)
    password_login(client, clerk)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


# --- enrolment ---------------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_and_the_key_without_inline_script(client, clerk):
    password_login(client, clerk)
    response = client.get(reverse(ENROL))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg viewBox="' in html and 'class="qr"' in html
    key = client.session[ENROL_KEY_SESSION_KEY]
    assert services.totp_secret_base32(key) in html
    assert "<script>" not in html and " onclick=" not in html and " onload=" not in html


def test_the_secret_is_kept_in_the_session_until_confirmed_and_differs_per_login(client, clerk):
    """A password alone never sees the secret the account's owner later confirms."""
    password_login(client, clerk)
    client.get(reverse(ENROL))
    first = client.session[ENROL_KEY_SESSION_KEY]
    assert not TOTPDevice.objects.exists()
    client.post(reverse("logout"))
    password_login(client, clerk)
    client.get(reverse(ENROL))
    assert client.session[ENROL_KEY_SESSION_KEY] != first


def test_enrolment_with_the_right_code_shows_ten_recovery_codes_once_and_opens_the_admin(client, clerk):
    password_login(client, clerk)
    client.get(reverse(ENROL))
    key = client.session[ENROL_KEY_SESSION_KEY]
    response = client.post(
        reverse(ENROL), {"code": factories.totp_code(TOTPDevice(key=key)), "next": reverse("admin:index")}
    )
    assert urlsplit(response["Location"]).path == reverse("two_factor:recovery_codes")
    page = client.get(response["Location"])
    assert len(page.context["codes"]) == 10
    assert all(len(code.replace(" ", "")) == 8 for code in page.context["codes"])
    assert client.get(response["Location"]).context["codes"] is None, "shown only once"
    device = TOTPDevice.objects.get(user=clerk)
    assert device.confirmed and device.key == key
    assert StaticToken.objects.filter(device__user=clerk).count() == 10
    assert client.get(reverse("admin:index")).status_code == 200
    assert second_factor_rows(AuditEvent.Outcome.SUCCESS).get().actor_username == "clerk"


def test_enrolment_with_a_wrong_code_is_refused_and_logged(client, clerk):
    password_login(client, clerk)
    client.get(reverse(ENROL))
    key = client.session[ENROL_KEY_SESSION_KEY]
    wrong = f"{(int(factories.totp_code(TOTPDevice(key=key))) + 1) % 1000000:06d}"
    response = client.post(reverse(ENROL), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.exists()
    assert client.session[ENROL_KEY_SESSION_KEY] == key, "the same QR code stays valid for the next try"
    assert second_factor_rows(AuditEvent.Outcome.FAILURE).count() == 1
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_enrolled_account_is_not_offered_a_new_enrolment(client, clerk):
    factories.totp_device(clerk)
    password_login(client, clerk)
    response = client.get(reverse(ENROL))
    assert urlsplit(response["Location"]).path == reverse(VERIFY)


# --- the code at each login --------------------------------------------------------------------


def test_the_authenticator_code_opens_the_admin_and_is_logged(client, clerk):
    device = factories.totp_device(clerk)
    password_login(client, clerk)
    response = client.post(
        reverse(VERIFY),
        {"code": factories.totp_code(device), "next": reverse("admin:approvals_application_changelist")},
    )
    assert response["Location"] == reverse("admin:approvals_application_changelist")
    assert client.get(reverse("admin:index")).status_code == 200
    row = second_factor_rows(AuditEvent.Outcome.SUCCESS).get()
    assert (row.actor_username, row.detail) == ("clerk", "authenticator")


def test_a_wrong_code_is_refused_and_logged(client, clerk):
    device = factories.totp_device(clerk)
    password_login(client, clerk)
    wrong = f"{(int(factories.totp_code(device)) + 5) % 1000000:06d}"
    response = client.post(reverse(VERIFY), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert client.get(reverse("admin:index")).status_code == 302
    assert second_factor_rows(AuditEvent.Outcome.FAILURE).get().actor_username == "clerk"


def test_a_code_is_not_accepted_twice(client, clerk):
    device = factories.totp_device(clerk)
    code = factories.totp_code(device)
    password_login(client, clerk)
    assert client.post(reverse(VERIFY), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    password_login(client, clerk)
    assert client.post(reverse(VERIFY), {"code": code}).status_code == 200


def test_after_a_wrong_code_checking_is_paused_and_the_page_says_until_when(client, clerk):
    device = factories.totp_device(clerk)
    password_login(client, clerk)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        right = factories.totp_code(device)
        client.post(reverse(VERIFY), {"code": "000000" if right != "000000" else "111111"})
        response = client.post(reverse(VERIFY), {"code": right})
        assert response.status_code == 200, "even the right code waits while the device is locked"
        assert response.context["locked_until"] is not None
        until = timezone.localtime(response.context["locked_until"]).strftime("%H:%M:%S")
        assert until in str(response.context["form"].non_field_errors())
        assert "second-factor-locked" in response.content.decode()
    assert second_factor_rows(AuditEvent.Outcome.FAILURE).filter(detail__contains="locked").exists()
    with time_machine.travel(now + timedelta(minutes=5), tick=False):
        response = client.post(reverse(VERIFY), {"code": factories.totp_code(device)})
        assert response.status_code == 302, "the right code works once the pause is over"


def test_a_recovery_code_works_once(client, clerk):
    factories.totp_device(clerk)
    device = StaticDevice.objects.create(user=clerk, name="recovery", confirmed=True)
    device.token_set.create(token="abcd2345")
    device.token_set.create(token="efgh6777")
    password_login(client, clerk)
    response = client.post(reverse(VERIFY), {"code": "ABCD 2345"})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert list(device.token_set.values_list("token", flat=True)) == ["efgh6777"]
    assert second_factor_rows(AuditEvent.Outcome.SUCCESS).get().detail == "recovery code"
    client.post(reverse("logout"))
    password_login(client, clerk)
    response = client.post(reverse(VERIFY), {"code": "abcd2345"})
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_recovery_codes_from_enrolment_open_the_admin(client, clerk):
    password_login(client, clerk)
    _device, codes = enrol(client, clerk)
    client.post(reverse("logout"))
    password_login(client, clerk)
    assert client.post(reverse(VERIFY), {"code": codes[3]}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_verified_staff_member_renews_the_recovery_codes(client, clerk):
    password_login(client, clerk)
    _device, old = enrol(client, clerk)
    response = client.post(reverse("two_factor:recovery_codes"), follow=True)
    new = [c.replace(" ", "") for c in response.context["codes"]]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=clerk).values_list("token", flat=True)) == set(new)


def test_renewing_recovery_codes_needs_a_verified_session(client, clerk):
    factories.totp_device(clerk)
    password_login(client, clerk)
    response = client.post(reverse("two_factor:recovery_codes"))
    assert urlsplit(response["Location"]).path == reverse(VERIFY)
    assert not StaticToken.objects.exists()


def test_the_next_page_must_be_on_this_site(client, clerk):
    device = factories.totp_device(clerk)
    password_login(client, clerk)
    response = client.post(reverse(VERIFY), {"code": factories.totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("admin:index")


# --- citizens are never asked ------------------------------------------------------------------


def test_non_staff_are_never_asked_for_a_second_factor(client, citizen):
    response = password_login(client, citizen)
    assert response["Location"] == reverse("me")
    assert client.get(reverse("me")).status_code == 200
    assert client.get(reverse(VERIFY))["Location"] == reverse("me")
    assert client.get(reverse(ENROL))["Location"] == reverse("me")
    assert not TOTPDevice.objects.exists()


def test_the_second_factor_step_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse(VERIFY))
    assert urlsplit(response["Location"]).path == reverse("login")


# --- reset by the security administrator -------------------------------------------------------


@pytest.fixture
def security_administrator(db):
    from portal import roles  # noqa: PLC0415

    user = factories.staff("security", roles.SECURITY_ADMINISTRATOR)
    # The user list is opened to this role by the separated-duties work; granted here for the test.
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    return User.objects.get(pk=user.pk)


def _reset(client, *users, confirmed=True):
    data = {"action": "second_factor_reset", "_selected_action": [u.pk for u in users]}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(reverse("admin:portal_user_changelist"), data, follow=True)


def test_the_security_administrator_resets_a_lost_second_factor_and_it_is_logged(
    client, security_administrator, reviewer
):
    device = factories.totp_device(reviewer)
    reviewer_client = client.__class__()
    password_login(reviewer_client, reviewer)
    assert reviewer_client.post(reverse(VERIFY), {"code": factories.totp_code(device)}).status_code == 302
    client.force_login(security_administrator)
    confirm = _reset(client, reviewer, confirmed=False)
    assert reviewer.username in confirm.content.decode() and TOTPDevice.objects.filter(user=reviewer).exists()
    _reset(client, reviewer)
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert not StaticDevice.objects.filter(user=reviewer).exists()
    row = second_factor_rows(AuditEvent.Outcome.SUCCESS).get(detail="second factor reset")
    assert (row.actor_username, row.target_id) == ("security", str(reviewer.pk))
    response = reviewer_client.get(reverse("admin:index"), follow=True)
    assert urlsplit(response.redirect_chain[-1][0]).path == reverse(ENROL), "the verified session is verified no more"


def test_nobody_resets_their_own_second_factor(client, security_administrator):
    client.force_login(security_administrator)
    _reset(client, security_administrator)
    assert TOTPDevice.objects.filter(user=security_administrator).exists()


def test_an_administrator_may_not_reset_a_second_factor(client, administrator, reviewer):
    factories.totp_device(reviewer)
    administrator.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(administrator)
    _reset(client, reviewer)
    assert TOTPDevice.objects.filter(user=reviewer).exists()
    assert not AuditEvent.objects.filter(detail="second factor reset").exists()
