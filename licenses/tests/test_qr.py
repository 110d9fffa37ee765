"""The verification QR code: stored at issuance, drawn at print time, filled in for older certificates."""

from unittest import mock

import pypdfium2
import pytest
import zxingcpp
from django.core.management import call_command

from licenses import qr, services, tasks
from licenses.models import Certificate
from licenses.pdf import certificate_pdf_bytes
from licenses.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(construction_department, permit_item, citizen, clerk, reviewer, django_capture_on_commit_callbacks):
    factories.permit_type(construction_department, permit_item)
    with django_capture_on_commit_callbacks(execute=True):  # the approval commits: its worker stores the code
        return factories.issued(permit_item, citizen, clerk, reviewer)


def _without_code(like: Certificate, *, number: str) -> Certificate:
    """Return a certificate stored as issued or imported before codes were stored."""
    return Certificate.objects.create(
        number=number,
        certificate_type=like.certificate_type,
        year=like.year,
        holder_name=like.holder_name,
        holder_id_number=like.holder_id_number,
        department=like.department,
        issued_at=like.issued_at,
        valid_from=like.valid_from,
    )


def _decoded(certificate) -> list[str]:
    page = pypdfium2.PdfDocument(certificate_pdf_bytes(certificate))[0].render(scale=2).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(page)]


@pytest.mark.parametrize(
    "content", ["http://testserver/verify/x/", "https://zwfw.example.gov.cn/verify/" + "a" * 32 + "/"]
)
def test_it_unpacks_the_matrix_it_packed(content):
    matrix = qr.encode(content)
    assert qr.unpack(qr.pack(matrix, content), content) == matrix


def test_it_does_not_use_a_code_packed_for_another_address():
    code = qr.pack(qr.encode("https://old.example.gov.cn/verify/t/"), "https://old.example.gov.cn/verify/t/")
    assert qr.unpack(code, "https://new.example.gov.cn/verify/t/") is None
    assert qr.unpack("", "https://new.example.gov.cn/verify/t/") is None


def test_an_issued_certificate_stores_its_qr_code_compactly(certificate):
    certificate.refresh_from_db()
    assert qr.unpack(certificate.qr_code, qr.verify_url(certificate)) == qr.encode(qr.verify_url(certificate))
    assert len(certificate.qr_code) < 200


def test_printing_draws_the_stored_code_without_encoding_and_it_decodes(certificate):
    certificate.refresh_from_db()
    with mock.patch.object(qr, "encode", side_effect=AssertionError("encoded at print time")):
        assert _decoded(certificate) == [qr.verify_url(certificate)]


def test_a_certificate_without_a_stored_code_is_encoded_at_print_time(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(qr_code="")
    certificate.refresh_from_db()
    with mock.patch.object(qr, "encode", wraps=qr.encode) as encode:
        assert _decoded(certificate) == [qr.verify_url(certificate)]
    assert encode.call_count == 1


def test_the_command_stores_the_missing_codes_in_batches_and_leaves_the_others(certificate, capsys):
    kept = Certificate.objects.get(pk=certificate.pk).qr_code
    others = [_without_code(certificate, number=f"ZJJ-OLD-{i}") for i in range(3)]
    assert all(other.qr_code == "" for other in others)
    call_command("certificates_store_qr", "--batch-size", "2")
    assert "QR codes stored for 3 certificates." in capsys.readouterr().out
    for other in Certificate.objects.filter(pk__in=[o.pk for o in others]):
        assert qr.unpack(other.qr_code, qr.verify_url(other)) == qr.encode(qr.verify_url(other))
    assert Certificate.objects.get(pk=certificate.pk).qr_code == kept
    call_command("certificates_store_qr")
    assert "QR codes stored for 0 certificates." in capsys.readouterr().out


def test_the_history_keeps_no_copy_of_the_code(certificate):
    assert "qr_code" not in {field.name for field in Certificate.history.model._meta.get_fields()}


def _stores_its_code(certificate: Certificate) -> bool:
    certificate.refresh_from_db()
    return qr.unpack(certificate.qr_code, qr.verify_url(certificate)) == qr.encode(qr.verify_url(certificate))


def test_a_corrected_and_a_renewed_certificate_store_their_own_codes(
    certificate, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        corrected = services.certificate_correct(
            certificate_id=certificate.pk, actor=reviewer, holder_name="张爱莉", reason="姓名录入错误"
        )
        renewed = services.certificate_renew(certificate_id=corrected.pk, actor=reviewer)
    assert _stores_its_code(corrected) and _stores_its_code(renewed)
    assert len({certificate.qr_code, corrected.qr_code, renewed.qr_code}) == 3


def test_an_imported_certificate_stores_its_code(certificate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.certificates_import(
            [
                "type,number,holder_name,holder_id_number,issued_on,valid_from,valid_until",
                f"{certificate.certificate_type.code},JY13301020009,王记小吃,{certificate.holder_id_number},2024-03-01,,",
            ]
        )
    assert report.imported == 1, report
    assert _stores_its_code(Certificate.objects.get(number="JY13301020009"))


def test_a_broker_outage_leaves_the_code_to_printing_and_the_approval_stands(
    construction_department, permit_item, citizen, clerk, reviewer, django_capture_on_commit_callbacks, monkeypatch
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.certificates_qr_store, "apply_async", unreachable)
    factories.permit_type(construction_department, permit_item)
    with django_capture_on_commit_callbacks(execute=True):
        issued = factories.issued(permit_item, citizen, clerk, reviewer)
    issued.refresh_from_db()
    assert issued.qr_code == "" and issued.source_application.state == "approved"
    assert _decoded(issued) == [qr.verify_url(issued)]  # printing encodes it meanwhile
