"""Issuance on approval: one certificate and one print job, gapless numbers, idempotent."""

import io
import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from approvals import services
from approvals.services import common
from licenses.models import Certificate, CertificateType, ItemCertificate, PrintJob
from licenses.services import certificate_issue_for
from licenses.tests import factories
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit_type(construction_department, permit_item):
    return factories.permit_type(construction_department, permit_item)


_in_review = factories.in_review


def test_approval_issues_one_certificate_and_queues_its_print_job(permit_type, permit_item, citizen, clerk, reviewer):
    application = _in_review(permit_item, citizen, clerk, reviewer)
    services.application_approve(application_id=application.pk, actor=reviewer)
    certificate = Certificate.objects.get()
    year = certificate.issued_at.year
    assert certificate.number == f"ZJJ02-{certificate.year}-000001" and certificate.year == year
    assert certificate.holder == citizen and certificate.holder_name == citizen.real_name
    assert certificate.status == Certificate.Status.VALID
    assert certificate.data == [
        ["持证人", citizen.real_name],
        ["证件号码", citizen.masked_id_number],
        ["宗地编号", "330102001001GB00001"],
        ["建筑面积（平方米）", "1200.50"],
    ]
    assert len(certificate.token) >= 32 and certificate.number not in certificate.token
    job = PrintJob.objects.get()
    assert job.certificate == certificate and job.state == "queued"
    assert certificate.history.count() == 1


def test_an_item_without_a_certificate_type_issues_none(permit_item, citizen, clerk, reviewer):
    application = _in_review(permit_item, citizen, clerk, reviewer)
    services.application_approve(application_id=application.pk, actor=reviewer)
    assert not Certificate.objects.exists()


def test_a_retried_issuance_never_issues_a_second_certificate(permit_type, permit_item, citizen, clerk, reviewer):
    application = _in_review(permit_item, citizen, clerk, reviewer)
    services.application_approve(application_id=application.pk, actor=reviewer)
    application.refresh_from_db()
    again = certificate_issue_for(application)
    assert Certificate.objects.count() == 1 and again == Certificate.objects.get()
    assert PrintJob.objects.count() == 1


def test_a_failed_approval_gives_its_number_back(permit_type, permit_item, citizen, clerk, reviewer, monkeypatch):
    first = _in_review(permit_item, citizen, clerk, reviewer)
    second = _in_review(permit_item, citizen, clerk, reviewer)

    def broken_notify(*args, **kwargs):
        raise RuntimeError("mail store down")

    monkeypatch.setattr(common, "_notify_applicant", broken_notify)
    with pytest.raises(RuntimeError):
        services.application_approve(application_id=first.pk, actor=reviewer)
    monkeypatch.undo()
    services.application_approve(application_id=second.pk, actor=reviewer)
    assert list(Certificate.objects.values_list("sequence", flat=True)) == [1]
    first.refresh_from_db()
    assert first.state == "in_review"


def test_seed_demo_creates_72_types_over_22_departments(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert CertificateType.objects.count() == 72
    assert CertificateType.objects.values("department").distinct().count() == 22
    assert not ItemCertificate.objects.filter(item__kind="filing").exists()
    permit = ItemCertificate.objects.get(item__code="ZJJ-XK-0002")
    assert permit.certificate_type.name == "建筑工程施工许可证"
    call_command("seed_demo", stdout=io.StringIO())
    assert CertificateType.objects.count() == 72


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_approvals_get_consecutive_numbers_without_gaps(
    requires_postgresql, permit_type, permit_item, clerk, reviewer
):
    colleague = portal_factories.staff("colleague", "审批人员", reviewer.department)
    applications = [
        _in_review(permit_item, portal_factories.citizen(f"h{i}", "持证"), clerk, reviewer) for i in range(8)
    ]
    barrier = threading.Barrier(len(applications))
    errors = []

    def approve(application, actor):
        try:
            barrier.wait()
            services.application_approve(application_id=application.pk, actor=actor)
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(a, reviewer if i % 2 else colleague)) for i, a in enumerate(applications)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == list(range(1, 9))
    assert Certificate.objects.values("number").distinct().count() == 8
    assert date.today().year - 1 <= Certificate.objects.first().year <= date.today().year + 1
