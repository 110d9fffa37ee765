"""The admin's "view on site" shortcut (/admin/r/<ct>/<pk>/) is scoped like the change pages."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from approvals import services
from approvals.models import Application
from approvals.tests import factories

pytestmark = pytest.mark.django_db


def _shortcut(obj):
    content_type = ContentType.objects.get_for_model(type(obj))
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


@pytest.fixture
def submitted(permit_item, citizen):
    return factories.submitted(permit_item, citizen)


def test_the_shortcut_is_the_portals_own_view():
    assert reverse("admin:view_on_site", args=[1, 1]) == "/admin/r/1/1/"


def test_the_print_operator_gets_404_and_no_reference(client, print_operator, submitted):
    client.force_login(print_operator)
    response = client.get(_shortcut(submitted))
    assert response.status_code == 404
    assert submitted.reference not in response.get("Location", "")
    assert submitted.reference not in response.content.decode()


def test_a_reviewer_of_another_department_gets_404(client, other_reviewer, submitted, clerk):
    services.application_accept(application_id=submitted.pk, actor=clerk)
    client.force_login(other_reviewer)
    response = client.get(_shortcut(submitted))
    assert response.status_code == 404
    assert submitted.reference not in response.content.decode()


def test_the_own_departments_reviewer_is_redirected(client, reviewer, submitted, clerk):
    services.application_accept(application_id=submitted.pk, actor=clerk)
    client.force_login(reviewer)
    response = client.get(_shortcut(submitted))
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("approvals:application_detail", args=[submitted.reference]))


def test_a_citizens_online_draft_is_404_even_for_a_clerk(client, clerk, citizen, permit_item):
    draft = services.application_start(item=permit_item, applicant=citizen)
    client.force_login(clerk)
    response = client.get(_shortcut(draft))
    assert response.status_code == 404
    assert draft.reference not in response.content.decode()


def test_a_record_with_no_admin_page_is_404(client, supervisor, submitted):
    client.force_login(supervisor)
    assert client.get(_shortcut(submitted.files.first())).status_code == 404


@pytest.mark.parametrize("path", ["/admin/r/999999/1/", "/admin/r/abc/1/", "/admin/r/{ct}/not-a-number/"])
def test_nonsense_is_404_not_500(client, supervisor, submitted, path):
    client.force_login(supervisor)
    content_type = ContentType.objects.get_for_model(Application)
    assert client.get(path.format(ct=content_type.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, submitted):
    response = client.get(_shortcut(submitted))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert submitted.reference not in response["Location"]
