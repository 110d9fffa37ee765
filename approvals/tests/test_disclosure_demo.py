"""The demo's decisions on the public disclosure, dated by their (backdated) decisions."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from approvals.disclosure.demo import load_demo_disclosure
from approvals.models import Application, PublishedDecision
from approvals.tests.demo_seeded import seeded  # noqa: F401 - the fixture below
from licenses.models import Certificate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_every_demo_decision_has_its_record_dated_by_the_decision():
    decided = Application.objects.filter(state__in=["approved", "denied"])
    records = PublishedDecision.objects.filter(decision__in=["approved", "denied"]).select_related("application")

    assert decided.count() > 0
    assert records.count() == decided.count()
    assert all(record.decided_at == record.application.decided_at for record in records)
    assert any(record.decided_at.date() < timezone.localdate() for record in records)


def test_demo_certificates_and_their_records_agree():
    """The record shows the certificate in force: the one issued, or the version that replaced it (a correction)."""
    certificates = Certificate.objects.in_bulk()
    for record in PublishedDecision.objects.exclude(certificate_number=""):
        certificate = certificates[record.certificate_id]
        issued = certificate.replaces or certificate
        assert issued.source_application_id == record.application_id
        assert (record.certificate_number, record.certificate_valid_from, record.certificate_valid_until) == (
            certificate.number,
            certificate.valid_from,
            certificate.valid_until,
        )


def test_the_loader_records_a_decision_that_lacks_its_record_and_adds_nothing_twice():
    PublishedDecision.objects.filter(pk=PublishedDecision.objects.filter(decision="denied").first().pk).delete()

    assert load_demo_disclosure() == 1
    assert load_demo_disclosure() == 0


def test_seeding_again_adds_no_record(settings):
    settings.DEBUG = True
    before = PublishedDecision.objects.count()

    call_command("seed_demo", verbosity=0)

    assert PublishedDecision.objects.count() == before


def test_the_demo_page_shows_the_decisions_with_persons_masked(client):
    page = client.get(reverse("approvals:disclosure"))

    assert page.status_code == 200
    rows = page.context["page"].rows
    assert rows
    persons = [record for record in rows if record.holder_kind == "person"]
    assert all(record.holder_name.endswith("*") and len(record.holder_name) == 2 for record in persons)
