"""Personal data on the user pages: masked, found by a POSTed number, shown in full only with a logged reason."""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib import messages
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.masking import mask_email, mask_id_number, mask_mobile
from portal.models import User
from portal.tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("admin:portal_user_changelist")
FIND = reverse("admin:portal_user_id_search")


def _show(user, field):
    return reverse("admin:portal_user_show", args=[user.pk, field])


def _urls_in(content: str) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"]*)"', content)


def test_the_user_search_box_no_longer_matches_id_numbers_mobiles_or_emails(client, administrator, citizen):
    client.force_login(administrator)
    for value in (citizen.id_number, citizen.mobile, citizen.email):
        assert list(client.get(LIST, {"q": value}).context["cl"].result_list) == [], value
    assert list(client.get(LIST, {"q": citizen.username}).context["cl"].result_list) == [citizen]


def test_finding_a_user_posts_the_number_and_only_a_token_enters_a_url(client, administrator, citizen, other_citizen):
    client.force_login(administrator)
    response = client.post(FIND, {"value": citizen.id_number})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{LIST}?id_search=")
    assert citizen.id_number not in location
    page = client.get(location)
    assert list(page.context["cl"].result_list) == [citizen]
    content = page.content.decode()
    assert citizen.id_number not in content
    assert not [url for url in _urls_in(content) if citizen.id_number in url]
    assert mask_id_number(citizen.id_number) in content  # the active search, named masked


def test_a_user_is_found_by_mobile_or_email_too(client, administrator, citizen, enterprise):
    client.force_login(administrator)
    found = client.post(FIND, {"value": enterprise.mobile}, follow=True)
    assert list(found.context["cl"].result_list) == [enterprise]
    found = client.post(FIND, {"value": citizen.email.upper()}, follow=True)
    assert list(found.context["cl"].result_list) == [citizen]


def test_the_search_matches_whole_numbers_only(client, administrator, citizen):
    client.force_login(administrator)
    found = client.post(FIND, {"value": citizen.id_number[:10]}, follow=True)
    assert list(found.context["cl"].result_list) == []


def test_another_users_search_token_finds_nothing(client, administrator, supervisor, citizen):
    client.force_login(administrator)
    location = client.post(FIND, {"value": citizen.id_number})["Location"]
    client.force_login(supervisor)
    page = client.get(location)
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == []


def test_a_search_is_refused_by_get_and_a_too_short_number_is_explained(client, administrator):
    client.force_login(administrator)
    assert client.get(FIND, {"value": "110101199003071234"}).status_code == 405
    response = client.post(FIND, {"value": "1101"}, follow=True)
    assert [message.level for message in response.context["messages"]] == [messages.ERROR]
    assert response.redirect_chain == [(LIST, 302)]


def test_a_user_who_may_not_see_users_cannot_search_them(client, clerk, citizen):
    client.force_login(clerk)
    assert client.post(FIND, {"value": citizen.id_number}).status_code == 403


def test_the_supervisor_sees_id_number_mobile_and_email_masked_on_the_user_pages(client, supervisor, citizen):
    client.force_login(supervisor)
    listing = client.get(LIST).content.decode()
    page = client.get(reverse("admin:portal_user_change", args=[citizen.pk])).content.decode()
    for content in (listing, page):
        assert citizen.id_number not in content
        assert citizen.mobile not in content
        assert citizen.email not in content
    assert mask_id_number(citizen.id_number) in page
    assert mask_mobile(citizen.mobile) in page
    assert mask_email(citizen.email) in page
    for field in ("id_number", "mobile", "email"):
        assert _show(citizen, field) in page


def test_the_administrators_user_list_is_masked(client, administrator, citizen):
    client.force_login(administrator)
    content = client.get(LIST).content.decode()
    assert citizen.id_number not in content and citizen.mobile not in content
    assert mask_id_number(citizen.id_number) in content


def test_the_administrator_sees_the_identity_masked_until_shown(client, administrator, citizen):
    # Showing with a reason unlocks the input for correction (test_duties.py).
    client.force_login(administrator)
    page = client.get(reverse("admin:portal_user_change", args=[citizen.pk]))
    assert "id_number" not in page.context["adminform"].form.fields
    content = page.content.decode()
    assert citizen.id_number not in content and mask_id_number(citizen.id_number) in content


def test_showing_a_value_asks_a_reason_then_shows_it_once_and_records_it(client, supervisor, citizen):
    client.force_login(supervisor)
    url = _show(citizen, "id_number")
    form = client.get(url)
    assert form.status_code == 200 and citizen.id_number not in form.content.decode()
    shown = client.post(url, {"reason": "核对来电者身份"})
    assert citizen.id_number in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSONAL_DATA_SHOWN)
    assert (event.actor_id, event.target_type, event.target_id) == (supervisor.pk, "portal.user", str(citizen.pk))
    assert event.detail == "id_number: 核对来电者身份"
    assert citizen.id_number not in client.get(reverse("admin:portal_user_change", args=[citizen.pk])).content.decode()


@pytest.mark.parametrize("reason", ["", "  ", "看"])
def test_showing_without_a_real_reason_shows_nothing_and_records_nothing(client, supervisor, citizen, reason):
    client.force_login(supervisor)
    response = client.post(_show(citizen, "mobile"), {"reason": reason})
    assert response.status_code == 200
    assert citizen.mobile not in response.content.decode()
    assert response.context["form"].errors
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_SHOWN).exists()


def test_only_the_listed_fields_can_be_shown_and_only_by_those_who_see_the_user(client, supervisor, clerk, citizen):
    client.force_login(supervisor)
    assert client.post(_show(citizen, "password"), {"reason": "好奇一下看看"}).status_code == 404
    assert (
        client.post(reverse("admin:portal_user_show", args=[99999, "id_number"]), {"reason": "核对身份"}).status_code
        == 404
    )
    client.force_login(clerk)
    assert client.post(_show(citizen, "id_number"), {"reason": "核对身份"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_SHOWN).exists()


def test_the_migration_renames_walk_in_accounts_named_after_their_id_number():
    number = factories.id_number()
    walk_in = User.objects.create(username=f"citizen-{number}".lower(), kind="citizen", id_number=number)
    walk_in.set_unusable_password()
    walk_in.save()
    code = factories.credit_code()
    company = User.objects.create(username=f"enterprise-{code}".lower(), kind="enterprise", credit_code=code)
    company.set_unusable_password()
    company.save()
    chosen = factories.citizen("citizen-ann")  # a name its owner chose: kept
    migration = importlib.import_module("portal.migrations.0010_walk_in_usernames_without_identity")
    migration.rename_walk_in_accounts(apps, None)
    walk_in.refresh_from_db()
    company.refresh_from_db()
    chosen.refresh_from_db()
    assert re.fullmatch(r"hall-[a-z2-7]{10}", walk_in.username)
    assert re.fullmatch(r"hall-[a-z2-7]{10}", company.username)
    assert walk_in.username != company.username
    assert chosen.username == "citizen-ann"
