"""Importing existing certificates: row by row, bad rows reported by line."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from licenses.models import Certificate, CertificateType
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db

HEADER = "type,number,holder_name,holder_id_number,issued_on,valid_from,valid_until\n"


@pytest.fixture
def food_type(market_department):
    return CertificateType.objects.create(
        code="scjg-01", name="食品经营许可证", department=market_department, number_prefix="SCJG01", validity_years=5
    )


def _csv(*rows):
    return HEADER + "".join(row + "\n" for row in rows)


def test_good_rows_are_imported_and_bad_rows_reported_by_line(food_type, citizen, tmp_path):
    good_id = portal_factories.id_number()
    content = _csv(
        f"scjg-01,JY13301020001,王记小吃,{good_id},2024-03-01,2024-03-01,2029-02-28",
        f"食品经营许可证,JY13301020002,{citizen.real_name},{citizen.id_number},2025-01-10,,",
        "no-such-type,X1,某某,110101199003071233,2025-01-01,,",
        f"scjg-01,JY13301020001,重复,{good_id},2025-01-01,,",
        "scjg-01,JY3,某某,123,2025-01-01,,",
        f"scjg-01,JY4,某某,{good_id},2025/01/01,,",
    )
    path = tmp_path / "certs.csv"
    path.write_text(content, encoding="utf-8")
    out = io.StringIO()
    call_command("import_certificates", str(path), stdout=out)
    text = out.getvalue()
    assert "2 certificates imported, 4 rows refused" in text
    for line in ("line 4", "line 5", "line 6", "line 7"):
        assert line in text
    assert Certificate.objects.count() == 2
    mine = Certificate.objects.get(number="JY13301020002")
    assert mine.holder == citizen and mine.sequence is None and mine.source_application is None


def test_a_file_without_the_columns_is_refused_whole(food_type, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_certificates", str(path), stdout=out)
    assert "line 1:" in out.getvalue()
    assert not Certificate.objects.exists()


def test_the_administrator_imports_from_the_admin(client, administrator, food_type):
    client.force_login(administrator)
    upload = SimpleUploadedFile(
        "c.csv", _csv(f"scjg-01,JY9,李记,{portal_factories.id_number()},2025-01-01,,").encode(), "text/csv"
    )
    response = client.post(reverse("admin:licenses_certificate_import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["report"].imported == 1


def test_a_reviewer_cannot_import(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("admin:licenses_certificate_import")).status_code == 403


def test_numbers_in_the_portals_own_form_are_refused(food_type, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(_csv(f"scjg-01,SCJG01-2026-000001,某某,{portal_factories.id_number()},2025-01-01,,"), "utf-8")
    out = io.StringIO()
    call_command("import_certificates", str(path), stdout=out)
    assert "line 2" in out.getvalue()
    assert not Certificate.objects.exists()
