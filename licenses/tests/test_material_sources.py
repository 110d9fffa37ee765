"""证照免提交: a material the city already issued as a certificate needs no upload."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from approvals import services
from approvals.models import ServiceMaterial, State
from approvals.tests import factories as approval_factories
from licenses import services as licence_services
from licenses.models import CertificateType, MaterialCertificate
from licenses.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def planning_permit(construction_department, permit_item, citizen, clerk, reviewer):
    """The citizen holds a valid 建设工程规划许可证; the permit item's first material names that type."""
    factories.permit_type(construction_department, permit_item)
    certificate = factories.issued(permit_item, citizen, clerk, reviewer)
    material = ServiceMaterial.objects.filter(item=permit_item).first()
    MaterialCertificate.objects.create(material=material, certificate_type=certificate.certificate_type)
    return certificate, material


def _draft_without(material, item, citizen):
    draft = services.application_start(item=item, applicant=citizen)
    services.application_update(
        application=draft,
        actor=citizen,
        data=services.DraftData(
            form_data={"parcel_no": "P-1", "floor_area": "10"},
            contact_name="张",
            contact_phone="13812345678",
            delivery_method="pickup",
        ),
    )
    for other in item.materials.exclude(pk=material.pk):
        services.application_add_file(
            application=draft, material=other, uploaded=approval_factories.upload(), actor=citizen
        )
    draft.refresh_from_db()
    return draft


def test_a_held_certificate_counts_as_the_material(planning_permit, permit_item, citizen):
    certificate, material = planning_permit
    draft = _draft_without(material, permit_item, citizen)
    assert services.application_missing(draft) == []
    application = services.application_submit(application_id=draft.pk, actor=citizen)
    assert application.state == State.SUBMITTED


def test_a_revoked_certificate_does_not(planning_permit, permit_item, citizen, reviewer):
    certificate, material = planning_permit
    licence_services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="撤销")
    draft = _draft_without(material, permit_item, citizen)
    assert any(material.name in line for line in services.application_missing(draft))


def test_the_applicant_is_told_and_the_clerk_sees_the_certificate_linked(
    client, planning_permit, permit_item, citizen, clerk
):
    certificate, material = planning_permit
    client.force_login(citizen)
    form = client.get(reverse("approvals:apply", args=[permit_item.code]), follow=True).content.decode()
    assert certificate.number in form and "无需上传" in form
    draft = _draft_without(material, permit_item, citizen)
    application = services.application_submit(application_id=draft.pk, actor=citizen)
    client.force_login(clerk)
    page = client.get(reverse("admin:approvals_application_change", args=[application.pk])).content.decode()
    assert certificate.number in page and certificate.verify_path in page


def test_another_persons_certificate_does_not_count(planning_permit, permit_item, other_citizen):
    certificate, material = planning_permit
    draft = _draft_without(material, permit_item, other_citizen)
    assert any(material.name in line for line in services.application_missing(draft))


def test_seed_demo_gives_the_demo_enterprise_its_business_licence(settings):

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert MaterialCertificate.objects.filter(certificate_type__name="营业执照").exists()
    assert CertificateType.objects.get(name="营业执照").certificates.filter(holder__username="huaxia").exists()
