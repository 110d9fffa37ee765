"""The permit PDF, public verification, the holder's certificates, status changes."""

import io
import os
from datetime import UTC, date, datetime, timedelta

import pypdfium2
import pytest
import zxingcpp
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader
from redis.client import Pipeline
from reportlab.pdfbase import pdfmetrics

from licenses import pdf, services, views
from licenses.models import Certificate, CertificateAccess, PrintJob, VerificationLog
from licenses.pdf import certificate_pdf_bytes, render_certificates, verify_url
from licenses.services import certificates as certificate_services
from licenses.services import sharing
from licenses.services.certificates import _valid_until
from licenses.tasks import certificates_daily
from licenses.tests import factories
from portal import errors
from portal.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(construction_department, permit_item, citizen, clerk, reviewer):
    factories.permit_type(construction_department, permit_item)
    return factories.issued(permit_item, citizen, clerk, reviewer)


def _render_page(pdf_bytes: bytes):
    return pypdfium2.PdfDocument(pdf_bytes)[0].render(scale=2).to_pil()


def test_the_pdf_holds_the_chinese_text(certificate, citizen):
    text = PdfReader(io.BytesIO(certificate_pdf_bytes(certificate))).pages[0].extract_text()
    for expected in (
        "建筑工程施工许可证",
        certificate.number,
        citizen.real_name,
        "330102001001GB00001",
        "市住房和城乡建设局",
    ):
        assert expected in text


def test_the_pdf_embeds_its_font_as_a_subset(certificate):
    page = PdfReader(io.BytesIO(certificate_pdf_bytes(certificate))).pages[0]
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    cjk = [f for f in fonts if "/DescendantFonts" in f or "/FontDescriptor" in f or f.get("/Subtype") == "/TrueType"]
    assert cjk, fonts
    for font in cjk:
        descriptor = font["/FontDescriptor"].get_object() if "/FontDescriptor" in font else None
        if descriptor is None:
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # the TrueType program is in the file
        assert "+" in str(descriptor["/FontName"])  # a subset, named AAAAAA+Name


def test_the_qr_code_decodes_to_the_verification_address(certificate, settings):
    settings.PORTAL_BASE_URL = "https://zwfw.example.gov.cn"
    results = zxingcpp.read_barcodes(_render_page(certificate_pdf_bytes(certificate)))
    assert [r.text for r in results] == [f"https://zwfw.example.gov.cn/verify/{certificate.token}/"]
    assert verify_url(certificate).endswith(certificate.verify_path)


def test_a_batch_pdf_has_one_page_per_certificate_in_order(certificate, tmp_path):
    path = tmp_path / "batch.pdf"
    assert render_certificates([certificate, certificate], str(path)) == 2
    assert len(PdfReader(str(path)).pages) == 2


def test_a_missing_font_is_a_clear_error(settings, certificate):

    registered = pdfmetrics._fonts.pop(pdf.FONT_NAME, None)
    settings.PERMIT_FONT_PATH = "/nonexistent/font.ttf"
    try:
        with pytest.raises(ImproperlyConfigured, match="PERMIT_FONT_PATH"):
            pdf.register_font()
    finally:
        if registered is not None:
            pdfmetrics._fonts[pdf.FONT_NAME] = registered


def test_verification_says_valid_without_login_and_masks_the_holder(client, certificate, citizen):
    response = client.get(reverse("licenses:verify", args=[certificate.token]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "有效" in content and certificate.number in content
    assert citizen.real_name not in content and citizen.id_number not in content
    assert VerificationLog.objects.get().certificate == certificate
    assert "127.0.0.1" not in VerificationLog.objects.get().address_hash


def test_verification_names_the_holder_as_the_certificate_holder_not_a_booking_holder(client, certificate):
    content = client.get(reverse("licenses:verify", args=[certificate.token])).content.decode()
    assert "持证人" in content and "预约人" not in content


def test_after_revocation_the_same_code_says_revoked(client, certificate, reviewer):
    services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="以欺骗手段取得许可")
    content = client.get(reverse("licenses:verify", args=[certificate.token])).content.decode()
    assert "已撤销" in content and "以欺骗手段取得许可" not in content  # staff reasons stay internal
    certificate.refresh_from_db()
    assert certificate.history.first().history_change_reason == "以欺骗手段取得许可"


def test_an_unknown_token_is_a_plain_not_found(client, db):
    response = client.get(reverse("licenses:verify", args=["no-such-token"]))
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_verification_is_rate_limited(client, certificate, settings):
    settings.VERIFY_RATE_LIMIT = "2/m"
    for _ in range(2):
        assert client.get(reverse("licenses:verify", args=[certificate.token])).status_code == 200
    assert client.get(reverse("licenses:verify", args=[certificate.token])).status_code == 429


def test_the_holder_sees_and_downloads_the_certificate(client, certificate, citizen):
    client.force_login(citizen)
    content = client.get(reverse("me")).content.decode()
    assert certificate.number in content
    response = client.get(reverse("licenses:certificate_pdf", args=[certificate.number]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize("actor", ["other_citizen", "clerk", "reviewer"])
def test_nobody_else_downloads_it(client, certificate, actor, request):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(reverse("licenses:certificate_pdf", args=[certificate.number])).status_code == 404


def test_revocation_needs_a_reason_and_a_revoked_certificate_stays_revoked(certificate, reviewer):
    with pytest.raises(errors.ActionRefused):
        services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason=" ")
    services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="撤销")
    with pytest.raises(errors.ActionRefused):
        services.certificate_suspend(certificate_id=certificate.pk, actor=reviewer, reason="暂扣")


def test_the_reviewer_revokes_from_the_admin_with_a_reason(client, certificate, reviewer):
    client.force_login(reviewer)
    url = reverse("admin:licenses_certificate_changelist")
    confirm = client.post(url, {"action": "revoke", "_selected_action": [certificate.pk]})
    assert confirm.status_code == 200
    client.post(url, {"action": "revoke", "_selected_action": [certificate.pk], "confirmed": "yes", "reason": "违法"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_another_departments_reviewer_cannot_revoke(client, certificate, other_reviewer):
    client.force_login(other_reviewer)
    url = reverse("admin:licenses_certificate_changelist")
    client.post(url, {"action": "revoke", "_selected_action": [certificate.pk], "confirmed": "yes", "reason": "违法"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID


def test_a_corrected_certificate_supersedes_the_old_one(client, certificate, reviewer):
    new = services.certificate_correct(
        certificate_id=certificate.pk, actor=reviewer, holder_name="张爱莉", reason="姓名录入错误"
    )
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUPERSEDED
    assert new.replaces == certificate and new.holder_name == "张爱莉" and new.number != certificate.number
    assert ["持证人", "张爱莉"] in new.data
    assert new.print_job.state == "queued"
    old_page = client.get(reverse("licenses:verify", args=[certificate.token])).content.decode()
    assert "已更新换发" in old_page
    assert "有效" in client.get(reverse("licenses:verify", args=[new.token])).content.decode()


def test_renewal_starts_a_new_validity_period(certificate, reviewer):
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=date(2026, 12, 1))
    certificate.certificate_type.validity_years = 5
    certificate.certificate_type.save()
    new = services.certificate_renew(certificate_id=certificate.pk, actor=reviewer)
    assert new.valid_until is not None and new.valid_until.year >= 2031


def test_the_daily_task_expires_and_reminds_each_holder_once(certificate, citizen):

    Certificate.objects.filter(pk=certificate.pk).update(valid_until=date.today() + timedelta(days=20))
    certificates_daily.delay()
    certificates_daily.delay()
    assert Notification.objects.filter(user=citizen, kind="certificate_expiry").count() == 1
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=date.today() - timedelta(days=1))
    assert services.certificates_expire_and_remind() == (1, 0)
    assert services.certificates_expire_and_remind() == (0, 0)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.EXPIRED


def test_a_look_up_of_another_departments_certificate_is_logged_with_its_purpose(client, certificate, other_reviewer):
    client.force_login(other_reviewer)
    url = reverse("admin:licenses_certificate_share")
    refused = client.post(url, {"q": certificate.number, "purpose": ""})
    assert refused.context["results"] is None
    response = client.post(url, {"q": certificate.number, "purpose": "核验施工许可证（用于消防验收）"})
    assert list(response.context["results"]) == [certificate]
    access = CertificateAccess.objects.get()
    assert (access.user, access.certificate, access.purpose) == (
        other_reviewer,
        certificate,
        "核验施工许可证（用于消防验收）",
    )


def test_searching_by_holder_id_or_name_works_and_own_department_is_not_logged(client, certificate, reviewer, citizen):
    client.force_login(reviewer)
    url = reverse("admin:licenses_certificate_share")
    assert list(client.post(url, {"q": citizen.id_number, "purpose": "复核"}).context["results"]) == [certificate]
    assert list(client.post(url, {"q": citizen.real_name[:2], "purpose": "复核"}).context["results"]) == [certificate]
    assert not CertificateAccess.objects.exists()


def test_the_supervisor_reviews_the_look_up_log(client, certificate, other_reviewer, supervisor):
    services.certificates_search(user=other_reviewer, query=certificate.number, purpose="核验")
    client.force_login(supervisor)
    response = client.get(reverse("admin:licenses_certificateaccess_changelist"))
    assert response.status_code == 200 and "核验" in response.content.decode()


def test_the_clerk_sees_no_certificate_list_without_the_logged_search(client, certificate, clerk):
    client.force_login(clerk)
    response = client.get(reverse("admin:licenses_certificate_changelist"))
    assert response.status_code == 200 and response.context["cl"].result_count == 0


def test_a_citizen_cannot_search(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("admin:licenses_certificate_share"))
    assert response.status_code == 302


def test_the_history_is_read_only_and_scoped(client, certificate, reviewer, other_reviewer):
    services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="撤销")
    first = certificate.history.order_by("history_id").first()
    url = reverse("admin:licenses_certificate_simple_history", args=[certificate.pk, first.history_id])
    client.force_login(other_reviewer)
    assert client.get(reverse("admin:licenses_certificate_history", args=[certificate.pk])).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 405
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_the_public_page_does_not_show_staff_reasons(client, certificate, reviewer):
    services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="联系人电话13800000000")
    assert "13800000000" not in client.get(reverse("licenses:verify", args=[certificate.token])).content.decode()


def test_a_certificate_issued_on_29_february_ends_on_28_february(certificate):

    certificate.certificate_type.validity_years = 1
    assert _valid_until(certificate.certificate_type, date(2024, 2, 29)) == date(2025, 2, 28)
    assert _valid_until(certificate.certificate_type, date(2024, 3, 1)) == date(2025, 2, 28)


def test_the_daily_task_writes_the_expiry_into_the_history_once(certificate):

    Certificate.objects.filter(pk=certificate.pk).update(valid_until=date.today() - timedelta(days=1))
    before = certificate.history.count()
    certificates_daily.delay()
    certificates_daily.delay()
    expired = certificate.history.filter(status=Certificate.Status.EXPIRED)
    assert expired.count() == 1 and certificate.history.count() == before + 1
    assert expired.get().history_change_reason == "有效期届满"
    assert expired.get().status_reason == "有效期届满"


@pytest.mark.parametrize(
    "status, days_left",
    [
        (Certificate.Status.VALID, 0),  # the last valid day is today
        (Certificate.Status.VALID, None),  # permanent
        (Certificate.Status.SUSPENDED, -1),
        (Certificate.Status.REVOKED, -1),
        (Certificate.Status.EXPIRED, -1),
    ],
)
def test_expiry_changes_only_a_valid_certificate_past_its_validity(certificate, status, days_left):
    valid_until = None if days_left is None else date.today() + timedelta(days=days_left)
    Certificate.objects.filter(pk=certificate.pk).update(status=status, valid_until=valid_until)
    before = certificate.history.count()
    assert services.certificate_expire(certificate_id=certificate.pk, today=date.today()) is False
    assert Certificate.objects.get(pk=certificate.pk).status == status
    assert certificate.history.count() == before


def test_a_certificate_changed_after_the_sweep_listed_it_is_not_expired(certificate, reviewer, monkeypatch):

    Certificate.objects.filter(pk=certificate.pk).update(valid_until=date.today() - timedelta(days=1))
    real = services.certificate_expire

    def revoked_meanwhile(**kwargs):
        services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="撤销")
        return real(**kwargs)

    monkeypatch.setattr(certificate_services, "certificate_expire", revoked_meanwhile)
    assert services.certificates_expire_and_remind() == (0, 0)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert not certificate.history.filter(status=Certificate.Status.EXPIRED).exists()


REFUSED_ROLES = ["citizen", "clerk", "other_reviewer", "print_operator", "supervisor", "administrator"]


def _snapshot(certificate):
    row = Certificate.objects.get(pk=certificate.pk)
    return row.status, row.status_reason, row.history.count(), Certificate.objects.count()


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_only_a_reviewer_of_the_issuing_department_revokes(certificate, role, request):
    before = _snapshot(certificate)
    with pytest.raises(errors.ActionRefused) as refused:
        services.certificate_revoke(certificate_id=certificate.pk, actor=request.getfixturevalue(role), reason="违法")
    assert refused.value.message in (
        "只有发证部门的审批人员可以变更证照。",
        "该证照由市住房和城乡建设局核发，只有该部门的审批人员可以变更。",
    )
    assert _snapshot(certificate) == before


def test_another_departments_reviewer_is_told_whose_certificate_it_is(certificate, other_reviewer):
    with pytest.raises(errors.ActionRefused, match="该证照由市住房和城乡建设局核发"):
        services.certificate_revoke(certificate_id=certificate.pk, actor=other_reviewer, reason="违法")


def test_the_reviewer_of_the_issuing_department_revokes_and_is_named_in_the_history(certificate, reviewer):
    services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="违法")
    latest = Certificate.objects.get(pk=certificate.pk).history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == ("revoked", reviewer, "违法")


@pytest.mark.parametrize(
    "action, kwargs",
    [
        ("certificate_suspend", {"reason": "暂扣"}),
        ("certificate_reinstate", {"reason": "恢复"}),
        ("certificate_correct", {"holder_name": "张爱莉", "reason": "错字"}),
        ("certificate_renew", {}),
    ],
)
@pytest.mark.parametrize("role", ["clerk", "other_reviewer", "print_operator", "supervisor"])
def test_the_other_changes_refuse_whoever_may_not_make_them(certificate, action, kwargs, role, request):
    if action == "certificate_reinstate":
        Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.SUSPENDED)
    before = _snapshot(certificate), PrintJob.objects.count()
    with pytest.raises(errors.ActionRefused):
        getattr(services, action)(certificate_id=certificate.pk, actor=request.getfixturevalue(role), **kwargs)
    assert (_snapshot(certificate), PrintJob.objects.count()) == before


def test_the_reviewer_suspends_and_reinstates(certificate, reviewer):
    services.certificate_suspend(certificate_id=certificate.pk, actor=reviewer, reason="暂扣")
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.SUSPENDED
    services.certificate_reinstate(certificate_id=certificate.pk, actor=reviewer)
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.VALID
    assert [row.history_user for row in certificate.history.all()[:2]] == [reviewer, reviewer]


def test_a_reviewer_who_lost_the_role_can_no_longer_revoke(certificate, reviewer):
    reviewer.groups.clear()
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # a fresh permission cache
    with pytest.raises(errors.ActionRefused):
        services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="违法")
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.VALID


def test_the_admin_reports_a_refusal_per_certificate(client, certificate, reviewer):
    services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="撤销")
    client.force_login(reviewer)
    url = reverse("admin:licenses_certificate_changelist")
    response = client.post(
        url,
        {"action": "suspend", "_selected_action": [certificate.pk], "confirmed": "yes", "reason": "暂扣"},
        follow=True,
    )
    content = response.content.decode()
    assert "已变更 0 个证照。" in content and f"{certificate.number}: 该证照当前为“已撤销”" in content


@pytest.mark.parametrize("role", ["citizen", "print_operator"])
def test_only_those_allowed_search_every_departments_certificates(certificate, role, request):
    with pytest.raises(errors.ActionRefused, match="您没有查询全市各部门证照的权限"):
        services.certificates_search(user=request.getfixturevalue(role), query=certificate.number, purpose="核验")
    assert not CertificateAccess.objects.exists()


def test_every_font_the_pdf_names_is_embedded(certificate):
    reader = PdfReader(io.BytesIO(certificate_pdf_bytes(certificate)))
    named = {}
    for page in reader.pages:
        for name, font in page["/Resources"]["/Font"].items():
            named[name] = font.get_object()
    assert named
    for name, font in named.items():
        if "/DescendantFonts" in font:
            font = font["/DescendantFonts"][0].get_object()
        assert "/FontDescriptor" in font, f"{name} ({font.get('/BaseFont')}) is not embedded"
        descriptor = font["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name


def test_an_unknown_token_is_logged_as_not_found(client, db):
    client.get(reverse("licenses:verify", args=["no-such-token"]))

    log = VerificationLog.objects.get()
    assert log.certificate is None and log.found is False


def test_a_rate_limited_scan_neither_looks_up_nor_logs(client, certificate, settings, django_assert_num_queries):
    settings.VERIFY_RATE_LIMIT = "1/m"
    client.get(reverse("licenses:verify", args=[certificate.token]))

    with django_assert_num_queries(0):
        assert client.get(reverse("licenses:verify", args=[certificate.token])).status_code == 429
    assert VerificationLog.objects.count() == 1


def test_a_scan_shows_the_type_and_the_department_from_one_look_up(client, certificate):
    with CaptureQueriesContext(connection) as queries:
        content = client.get(reverse("licenses:verify", args=[certificate.token])).content.decode()

    assert certificate.certificate_type.name in content and certificate.department.name in content
    assert len([q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_scan_outside_a_transaction_logs_its_row(client, certificate):
    # On PostgreSQL this is the one-message path (the log row with an asynchronous commit, then the look-up).
    client.get(reverse("licenses:verify", args=[certificate.token]))

    log = VerificationLog.objects.get()
    assert log.certificate_id == certificate.pk and log.found is True


def test_a_scan_after_a_status_change_shows_the_new_status_at_once(client, certificate, reviewer):
    url = reverse("licenses:verify", args=[certificate.token])
    assert "有效" in client.get(url).content.decode()
    services.certificate_suspend(certificate_id=certificate.pk, actor=reviewer, reason="整改")
    assert "暂停" in client.get(url).content.decode()
    services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="以欺骗手段取得许可")
    content = client.get(url).content.decode()
    assert "已撤销" in content and "text-bg-danger" in content


def test_a_scan_reads_its_row_and_writes_its_log_in_two_statements(client, certificate):
    url = reverse("licenses:verify", args=[certificate.token])
    client.get(url)  # the layout is held from now on
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    statements = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert [s.split()[0] for s in statements if not s.startswith(("SAVEPOINT", "RELEASE", "SET"))] == [
        "INSERT",
        "SELECT",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_a_scan_is_one_round_trip_to_the_database(client, certificate, requires_postgresql):
    url = reverse("licenses:verify", args=[certificate.token])
    connection.close()  # a new connection: its first scan prepares the statements
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        content = client.get(url).content.decode()

    assert [q["sql"].split()[:2] for q in first.captured_queries] == [["DEALLOCATE", "ALL;"], ["BEGIN;", "SET"]]
    assert len(queries.captured_queries) == 1  # the log row and the look-up in one message
    assert "EXECUTE ow_verification_log(" in queries.captured_queries[0]["sql"]
    assert "有效" in content and certificate.number in content
    assert VerificationLog.objects.filter(certificate=certificate, found=True).count() == 2
    assert "127.0.0.1" not in VerificationLog.objects.first().address_hash

    client.get(reverse("licenses:verify", args=["no-such-token"]))
    assert VerificationLog.objects.filter(certificate=None, found=False).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_that_lost_its_prepared_statements_prepares_them_again(client, certificate, requires_postgresql):
    url = reverse("licenses:verify", args=[certificate.token])
    assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    with pytest.raises(DatabaseError):  # the scan that finds them gone fails (the test client re-raises it) ...
        client.get(url)
    connection.close_if_unusable_or_obsolete()  # ... and at the end of its request Django drops the connection
    assert connection.connection is None
    assert client.get(url).status_code == 200  # the next scan prepares them again

    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    sharing._prepared_on.clear()  # a connection reused after losing them: prepared again, and counted once
    assert "有效" in client.get(url).content.decode()
    assert VerificationLog.objects.filter(certificate=certificate).count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_behind_a_transaction_pooler_a_scan_prepares_nothing(client, certificate, requires_postgresql):
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with CaptureQueriesContext(connection) as queries:
            content = client.get(reverse("licenses:verify", args=[certificate.token])).content.decode()
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
    assert "有效" in content
    assert not [q for q in queries.captured_queries if "PREPARE" in q["sql"] or "EXECUTE" in q["sql"]]
    assert VerificationLog.objects.filter(certificate=certificate, found=True).count() == 1


def test_an_enterprise_holder_is_named_in_full_and_a_person_is_masked(
    client, construction_department, permit_item, enterprise, citizen, clerk, reviewer
):
    factories.permit_type(construction_department, permit_item)
    company = factories.issued(permit_item, enterprise, clerk, reviewer)
    person = factories.issued(permit_item, citizen, clerk, reviewer)

    company_page = client.get(reverse("licenses:verify", args=[company.token])).content.decode()
    person_page = client.get(reverse("licenses:verify", args=[person.token])).content.decode()

    assert company.holder_name in company_page
    assert (
        citizen.real_name not in person_page
        and f"{citizen.real_name[0]}{'*' * (len(citizen.real_name) - 1)}" in person_page
    )
    assert f"{citizen.id_number[:4]}**********{citizen.id_number[-4:]}" in person_page


@pytest.mark.parametrize(
    "one_message", [False, pytest.param(True, marks=pytest.mark.django_db(transaction=True, serialized_rollback=True))]
)
def test_a_scan_shows_the_issue_date_in_the_city_time_zone(client, certificate, one_message):
    # 2026-11-30 17:30 UTC is 1 December in Shanghai. Outside a transaction (one_message) PostgreSQL takes the
    # one-message path; inside the test's transaction, or on SQLite, the look-up runs on its own.
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=datetime(2026, 11, 30, 17, 30, tzinfo=UTC))

    content = client.get(reverse("licenses:verify", args=[certificate.token])).content.decode()

    assert "2026-12-01" in content and "2026-11-30" not in content


@pytest.fixture
def redis_cache():
    if not os.environ.get("CACHE_URL", "").startswith("rediscache://"):
        pytest.skip("needs Redis: set CACHE_URL=rediscache://...")
    return caches["default"]


def test_with_redis_each_scan_is_counted_in_one_round_trip_by_one_held_client(
    client, certificate, settings, monkeypatch, redis_cache
):
    settings.VERIFY_RATE_LIMIT = "3/m"
    views._redis_client.cache_clear()
    made, round_trips = [], []
    backend_client = type(redis_cache._cache)
    get_client, execute = backend_client.get_client, Pipeline.execute
    monkeypatch.setattr(backend_client, "get_client", lambda *a, **k: made.append(1) or get_client(*a, **k))
    monkeypatch.setattr(Pipeline, "execute", lambda self, *a, **k: round_trips.append(1) or execute(self, *a, **k))
    url = reverse("licenses:verify", args=[certificate.token])
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert len(made) == 1 and len(round_trips) == 4
