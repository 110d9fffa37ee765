"""The applications' admin and masked personal data: no read-back by filter, find by POST, show with a reason."""

import re

import pytest
from django.urls import reverse

from approvals import services
from approvals.models import Application
from approvals.tests import factories
from portal.audit.models import AuditEvent
from portal.masking import mask_id_number
from portal.models import User
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db

LIST = reverse("admin:approvals_application_changelist")
FIND = reverse("admin:approvals_application_id_search")


@pytest.fixture
def in_review(permit_item, citizen, clerk, reviewer):
    """Four applications of the citizen (born 1990), in the reviewer's department."""
    applications = [factories.submitted(permit_item, citizen) for _ in range(4)]
    for application in applications:
        services.application_accept(application_id=application.pk, actor=clerk)
    return applications


# --- seen defects: a reviewer shown 1101**********1233 read the number back through the list's filters


def test_the_reviewer_cannot_read_the_id_number_back_by_prefix(client, reviewer, in_review, citizen):
    assert citizen.id_number.startswith("1101011990")
    client.force_login(reviewer)
    assert client.get(LIST, {"applicant_id_number__startswith": "1101011990"}).status_code == 400
    assert client.get(LIST, {"applicant_id_number__startswith": "1101011991"}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"applicant_id_number__regex": "^1101011990"},
        {"applicant_id_number__contains": "19900307"},
        {"contact_phone__startswith": "138"},
        {"form_data__floor_area__startswith": "12"},
        {"agent_id_number__startswith": "1"},
        {"applicant__id_number__startswith": "1101"},
    ],
)
def test_the_reviewer_cannot_read_phones_form_data_or_ids_back_by_any_lookup(client, reviewer, in_review, params):
    client.force_login(reviewer)
    assert client.get(LIST, params).status_code == 400


def test_a_broken_regex_on_the_id_number_answers_400_not_500(client, reviewer, in_review):
    client.force_login(reviewer)
    assert client.get(LIST, {"applicant_id_number__regex": "("}).status_code == 400


def test_the_queues_and_filters_of_the_list_still_work(client, clerk, reviewer, supervisor, in_review):
    for user, params in (
        (reviewer, {"queue": "claim"}),
        (reviewer, {"state": "accepted", "channel__exact": "online"}),
        (clerk, {"state": "all"}),
        (supervisor, {"department__id__exact": in_review[0].department_id}),
    ):
        client.force_login(user)
        response = client.get(LIST, params)
        assert response.status_code == 200, (user, params)
        assert response.context["cl"].result_count == 4, (user, params)


# --- ID numbers never in a URL


def test_the_search_box_no_longer_takes_an_id_number(client, reviewer, in_review, citizen):
    client.force_login(reviewer)
    assert list(client.get(LIST, {"q": citizen.id_number}).context["cl"].result_list) == []


def test_the_reviewer_finds_a_persons_applications_by_a_posted_id_number(
    client, reviewer, in_review, permit_item, other_citizen
):
    other = factories.submitted(permit_item, other_citizen)
    client.force_login(reviewer)
    response = client.post(FIND, {"value": in_review[0].applicant_id_number})
    assert in_review[0].applicant_id_number not in response["Location"]
    assert re.fullmatch(rf"{LIST}\?id_search=[\w-]+", response["Location"])
    page = client.get(response["Location"])
    assert set(page.context["cl"].result_list) == set(in_review)
    assert other not in page.context["cl"].result_list
    assert in_review[0].applicant_id_number not in page.content.decode()


def test_the_clerks_search_covers_every_state_not_only_intake(client, clerk, in_review, citizen):
    client.force_login(clerk)
    page = client.post(FIND, {"value": f" {citizen.id_number.lower()} "}, follow=True)
    assert set(page.context["cl"].result_list) == set(in_review)


def test_a_search_token_of_another_session_finds_nothing(client, reviewer, in_review, citizen):
    client.force_login(reviewer)
    location = client.post(FIND, {"value": citizen.id_number})["Location"]
    client.logout()
    client.force_login(reviewer)  # a new session of the same reviewer
    assert list(client.get(location).context["cl"].result_list) == []


def test_a_search_token_is_for_its_own_list(client, supervisor, in_review, citizen):
    client.force_login(supervisor)
    location = client.post(reverse("admin:portal_user_id_search"), {"value": citizen.id_number})["Location"]
    token = location.split("id_search=")[1]
    assert list(client.get(LIST, {"id_search": token}).context["cl"].result_list) == []


# --- masked on the change page, shown with a reason


def test_the_reviewer_sees_the_applicant_masked_with_a_show_link(client, reviewer, in_review):
    application = in_review[0]
    client.force_login(reviewer)
    page = client.get(reverse("admin:approvals_application_change", args=[application.pk])).content.decode()
    assert application.applicant_id_number not in page
    assert mask_id_number(application.applicant_id_number) in page
    for field in ("applicant_id_number", "contact_phone"):
        assert reverse("admin:approvals_application_show", args=[application.pk, field]) in page


def test_the_reviewer_shows_the_applicants_number_with_a_reason_and_it_is_recorded(client, reviewer, in_review):
    application = in_review[0]
    client.force_login(reviewer)
    url = reverse("admin:approvals_application_show", args=[application.pk, "applicant_id_number"])
    response = client.post(url, {"reason": "与身份证复印件核对"})
    assert application.applicant_id_number in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSONAL_DATA_SHOWN)
    assert (event.actor_id, event.target_id) == (reviewer.pk, str(application.pk))
    assert event.detail == "applicant_id_number: 与身份证复印件核对"


def test_another_departments_reviewer_cannot_show_the_number(client, other_reviewer, in_review):
    client.force_login(other_reviewer)
    url = reverse("admin:approvals_application_show", args=[in_review[0].pk, "applicant_id_number"])
    assert client.post(url, {"reason": "看看这个号码"}).status_code == 404
    assert not AuditEvent.objects.exists()


# --- walk-in accounts


def test_a_walk_in_account_is_named_without_the_id_number(clerk, construction_department):
    item = factories.item(construction_department, depth=1, materials=0, fields=[])
    number = portal_factories.id_number()
    application = services.application_start_walk_in(
        clerk=clerk, item=item, kind="citizen", id_number=number, name="赵来访", contact_name="", mobile="13700001111"
    )
    account = application.applicant
    assert re.fullmatch(r"hall-[a-z2-7]{10}", account.username)
    assert number.lower() not in account.username.lower()
    code = portal_factories.credit_code()
    company = services.application_start_walk_in(
        clerk=clerk,
        item=item,
        kind="enterprise",
        id_number=code,
        name="示例公司",
        contact_name="王",
        mobile="13700001112",
    ).applicant
    assert company.username.startswith("hall-") and company.username != account.username
    assert User.objects.filter(username__startswith="hall-").count() == 2
    assert Application.objects.count() == 2
