"""Separated duties: the system administrator keeps the catalogue but reads no application, material or certificate."""

import pytest
from django.urls import reverse

from licenses.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(construction_department, permit_item, citizen, clerk, reviewer):
    factories.permit_type(construction_department, permit_item)
    return factories.issued(permit_item, citizen, clerk, reviewer)


def _case_pages(certificate):
    application = certificate.source_application
    material = application.files.first()
    return {
        "application list": reverse("admin:approvals_application_changelist"),
        "application": reverse("admin:approvals_application_change", args=[application.pk]),
        "material": reverse("admin:approvals_application_material", args=[application.pk, material.pk]),
        "certificate list": reverse("admin:licenses_certificate_changelist"),
        "certificate": reverse("admin:licenses_certificate_change", args=[certificate.pk]),
        "certificate history": reverse("admin:licenses_certificate_history", args=[certificate.pk]),
        "print jobs": reverse("admin:licenses_printjob_changelist"),
    }


@pytest.mark.parametrize(
    "page",
    [
        "application list",
        "application",
        "material",
        "certificate list",
        "certificate",
        "certificate history",
        "print jobs",
    ],
)
def test_the_system_administrator_is_refused_every_case_page(page, administrator, certificate, client):
    client.force_login(administrator)
    # The history page looks the certificate up in the user's scope before asking for the
    # permission, so it answers "not found": refused all the same, and tells nothing.
    expected = 404 if page == "certificate history" else 403
    assert client.get(_case_pages(certificate)[page]).status_code == expected


def test_the_system_administrator_still_runs_the_catalogue(administrator, certificate, client):
    client.force_login(administrator)
    for url_name in ("admin:approvals_serviceitem_changelist", "admin:licenses_certificatetype_changelist"):
        assert client.get(reverse(url_name)).status_code == 200


def test_the_supervisor_still_reads_the_cases(supervisor, certificate, client):
    client.force_login(supervisor)
    for page in ("application", "material", "certificate"):
        assert client.get(_case_pages(certificate)[page]).status_code == 200, page
