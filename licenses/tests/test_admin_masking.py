"""The certificates' admin and the holder's ID number: no read-back by filter, searches by POST only."""

import pytest
from django.urls import reverse

from licenses.models import CertificateAccess
from licenses.tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("admin:licenses_certificate_changelist")
SHARE = reverse("admin:licenses_certificate_share")


@pytest.fixture
def certificate(permit_item, construction_department, citizen, clerk, reviewer):
    factories.permit_type(construction_department, permit_item)
    return factories.issued(permit_item, citizen, clerk, reviewer)


def test_the_holders_id_number_cannot_be_read_back_by_prefix(client, reviewer, certificate):
    client.force_login(reviewer)
    assert client.get(LIST, {"holder_id_number__startswith": certificate.holder_id_number[:10]}).status_code == 400
    assert client.get(LIST, {"data__contains": "1101"}).status_code == 400
    assert client.get(LIST, {"status__exact": "valid"}).status_code == 200


def test_the_print_jobs_collector_id_cannot_be_read_back(client, print_operator, certificate):
    client.force_login(print_operator)
    url = reverse("admin:licenses_printjob_changelist")
    assert client.get(url, {"collector_id_number__startswith": "1101"}).status_code == 400
    assert client.get(url, {"application__applicant_id_number__startswith": "1101"}).status_code == 400
    assert client.get(url, {"state": "queued", "due": "overdue"}).status_code == 200


def test_a_certificate_is_found_by_a_posted_holder_id_number(client, reviewer, certificate):
    client.force_login(reviewer)
    response = client.post(reverse("admin:licenses_certificate_id_search"), {"value": certificate.holder_id_number})
    assert certificate.holder_id_number not in response["Location"]
    page = client.get(response["Location"])
    assert list(page.context["cl"].result_list) == [certificate]
    assert certificate.holder_id_number not in page.content.decode()


def test_the_sharing_search_ignores_a_query_string(client, other_reviewer, certificate):
    client.force_login(other_reviewer)
    response = client.get(SHARE, {"q": certificate.holder_id_number, "purpose": "核验"})
    assert response.status_code == 200
    assert response.context["results"] is None
    assert not CertificateAccess.objects.exists()


def test_the_sharing_search_posts_the_id_number(client, other_reviewer, certificate):
    client.force_login(other_reviewer)
    page = client.get(SHARE).content.decode()
    assert 'method="post"' in page
    response = client.post(SHARE, {"q": certificate.holder_id_number, "purpose": "核验施工许可证"})
    assert list(response.context["results"]) == [certificate]
    assert certificate.masked_holder_id in response.content.decode()
    assert "no-store" in response["Cache-Control"]  # the typed number is echoed in the form only
    assert CertificateAccess.objects.get().purpose == "核验施工许可证"
