"""Refusals on certificates are in the audit trail: the admin's redirect and the holder's PDF page."""

import pytest
from django.urls import reverse

from licenses.tests import factories
from portal.models import AuditEvent


@pytest.fixture
def certificate(construction_department, permit_item, citizen, clerk, reviewer):
    factories.permit_type(construction_department, permit_item)
    return factories.issued(permit_item, citizen, clerk, reviewer)


def _denials():
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_DENIED).values_list(
            "actor_username", "target_type", "target_id"
        )
    )


def test_another_departments_certificate_in_the_admin_is_recorded_as_denied(client, other_reviewer, certificate):
    client.force_login(other_reviewer)
    response = client.get(reverse("admin:licenses_certificate_change", args=[certificate.pk]))
    # The admin answers an object outside its queryset by redirecting to its index.
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert _denials() == [("reviewer2", "licenses.certificate", str(certificate.pk))]


def test_someone_elses_certificate_pdf_is_recorded_as_denied(client, other_citizen, certificate):
    client.force_login(other_citizen)
    assert client.get(reverse("licenses:certificate_pdf", args=[certificate.number])).status_code == 404
    assert _denials() == [("bob", "licenses.certificate", str(certificate.pk))]


def test_the_holders_own_certificate_and_a_missing_one_are_not_denials(client, citizen, other_reviewer, certificate):
    client.force_login(citizen)
    assert client.get(reverse("licenses:certificate_pdf", args=["NO-SUCH-NUMBER"])).status_code == 404
    client.force_login(other_reviewer)
    assert client.get(reverse("admin:licenses_certificate_change", args=[999999])).status_code == 302
    assert _denials() == []
