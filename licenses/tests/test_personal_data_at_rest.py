"""Applications', certificates' and print jobs' ID numbers and phones at rest: encrypted, found by keyed hash."""

import re

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import Application
from approvals.tests import factories as approval_factories
from licenses.models import Certificate, MaterialCertificate, PrintJob
from licenses.services import sharing
from licenses.tests import factories
from portal.personal_data import exact_q

pytestmark = pytest.mark.django_db

NEW_KEY = Fernet.generate_key().decode()


def _stored(table: str, column: str, where: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {where} = %s", [pk])  # noqa: S608 - names are ours
        return cursor.fetchone()[0]


def _assert_encrypted(stored: str, plain: str) -> None:
    assert plain and stored.startswith("gAAAAA")
    assert plain not in stored and plain[-4:] not in stored and plain[:6] not in stored


@pytest.fixture
def certificate(construction_department, permit_item, citizen, clerk, reviewer):
    factories.permit_type(construction_department, permit_item)
    return factories.issued(permit_item, citizen, clerk, reviewer)


def test_an_applications_numbers_and_phones_are_stored_encrypted(citizen, permit_item):
    application = approval_factories.complete_draft(permit_item, citizen)
    application.agent_id_number = "11010519491231002X"
    application.save()
    for column in ("applicant_id_number", "contact_phone", "delivery_phone", "agent_id_number"):
        _assert_encrypted(_stored("approvals_application", column, "id", application.pk), getattr(application, column))
    again = Application.objects.get(pk=application.pk)
    assert (again.applicant_id_number, again.contact_phone) == (citizen.id_number, "13812345678")
    assert again.masked_id_number == citizen.id_number[:4] + "*" * 10 + citizen.id_number[-4:]


def test_a_certificates_holder_number_and_its_history_are_stored_encrypted(certificate, citizen):
    _assert_encrypted(_stored("licenses_certificate", "holder_id_number", "id", certificate.pk), citizen.id_number)
    history = certificate.history.first()
    stored = _stored("licenses_historicalcertificate", "holder_id_number", "history_id", history.pk)
    _assert_encrypted(stored, citizen.id_number)
    assert history.holder_id_number == citizen.id_number


def test_the_collectors_number_is_stored_encrypted(certificate):
    job = PrintJob.objects.get(certificate=certificate)
    job.collector_id_number = "11010519491231002X"
    job.save()
    _assert_encrypted(_stored("licenses_printjob", "collector_id_number", "id", job.pk), "11010519491231002X")
    assert PrintJob.objects.get(exact_q("collector_id_number", "11010519491231002x")) == job


def test_a_prefix_filter_on_the_holder_number_is_refused(certificate, citizen):
    with pytest.raises(FieldError, match="encrypted"):
        list(Certificate.objects.filter(holder_id_number__startswith=citizen.id_number[:10]))
    with pytest.raises(FieldError, match="encrypted"):
        list(Application.objects.filter(contact_phone__regex="^138"))


def test_the_certificate_search_by_holder_number_uses_the_hash(certificate, citizen, other_reviewer):
    other_reviewer.user_permissions.add(*Permission.objects.filter(codename="search_certificates"))
    with CaptureQueriesContext(connection) as queries:
        found = sharing.certificates_search(user=other_reviewer, query=citizen.id_number.lower(), purpose="复核")
    assert found == [certificate]
    search = next(q["sql"] for q in queries if 'FROM "licenses_certificate"' in q["sql"])
    assert '"licenses_certificate"."holder_id_number_hash" =' in search
    assert '"licenses_certificate"."holder_id_number" =' not in search


def test_materials_provided_by_a_certificate_are_found_by_the_holder_hash(certificate, citizen, permit_item):
    material = permit_item.materials.first()
    MaterialCertificate.objects.create(material=material, certificate_type=certificate.certificate_type)
    certificate.holder = None  # as an imported certificate: known by the holder's number only
    certificate.save()
    application = approval_factories.complete_draft(permit_item, citizen)
    with CaptureQueriesContext(connection) as queries:
        provided = sharing.certificates_standing_in(application)
    assert provided[material.pk].label.endswith(certificate.number)
    search = next(q["sql"] for q in queries if 'FROM "licenses_certificate"' in q["sql"])
    assert '"licenses_certificate"."holder_id_number_hash" =' in search


def test_tracking_finds_the_case_by_its_indexed_reference_never_by_the_encrypted_number(client, citizen, permit_item):
    application = approval_factories.submitted(permit_item, citizen)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("approvals:track"), {"reference": application.reference, "id_tail": citizen.id_number[-6:]}
        )
    assert response.context["application"] == application
    lookup = next(q["sql"] for q in queries if 'FROM "approvals_application"' in q["sql"])
    assert '"approvals_application"."reference" =' in lookup
    assert "applicant_id_number" not in lookup.split("WHERE", 1)[1]


def test_rotation_covers_applications_certificates_their_history_and_print_jobs(certificate, citizen, settings, capsys):
    with override_settings(PERSONAL_DATA_KEYS=[NEW_KEY, *settings.PERSONAL_DATA_KEYS]):
        call_command("rotate_personal_data_keys")
        out = capsys.readouterr().out
    reencrypted = {m[1]: int(m[2]) for m in re.finditer(r"^(\S+): \d+ rows, (\d+) re-encrypted$", out, re.M)}
    assert reencrypted["approvals.Application"] == reencrypted["licenses.Certificate"] == 1
    assert reencrypted["licenses.HistoricalCertificate"] == certificate.history.count()
    assert reencrypted["licenses.PrintJob"] == 0  # no collector yet: nothing to encrypt
    with override_settings(PERSONAL_DATA_KEYS=[NEW_KEY]):
        again = Certificate.objects.get(pk=certificate.pk)
        assert again.holder_id_number == citizen.id_number
        assert again.history.first().holder_id_number == citizen.id_number
        assert Application.objects.get(pk=certificate.source_application_id).applicant_id_number == citizen.id_number
