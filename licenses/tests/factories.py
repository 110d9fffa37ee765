"""Builders for certificate types and certificates in tests."""

from approvals import services as approval_services
from approvals.tests import factories as approval_factories
from licenses.models import Certificate, CertificateType, ItemCertificate

PERMIT_FIELDS = [
    {"label": "持证人", "source": "applicant_name"},
    {"label": "证件号码", "source": "applicant_id_number"},
    {"label": "宗地编号", "source": "form:parcel_no"},
    {"label": "建筑面积（平方米）", "source": "form:floor_area"},
]


def permit_type(department, item) -> CertificateType:
    """Return the construction permit type, produced by `item`."""
    certificate_type = CertificateType.objects.create(
        code="zjj-02",
        name="建筑工程施工许可证",
        department=department,
        number_prefix="ZJJ02",
        printed_fields=PERMIT_FIELDS,
    )
    ItemCertificate.objects.create(item=item, certificate_type=certificate_type)
    return certificate_type


def in_review(item, applicant, clerk, reviewer):
    application = approval_factories.submitted(item, applicant)
    approval_services.application_accept(application_id=application.pk, actor=clerk)
    approval_services.application_claim(application_id=application.pk, actor=reviewer)
    return application


def issued(item, applicant, clerk, reviewer) -> Certificate:
    """Return the certificate issued by approving an application of `item`."""
    application = in_review(item, applicant, clerk, reviewer)
    approval_services.application_approve(application_id=application.pk, actor=reviewer)
    return Certificate.objects.get(source_application=application)
