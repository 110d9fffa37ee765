"""The print operator's desk: delivery details, the courier manifest, messages, and certificates in force only."""

import csv
import io
import zipfile
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_fsm_log.models import StateLog

from licenses import services, xlsx
from licenses.models import Certificate, CertificateType, PrintBatch, PrintJob
from licenses.services import printing
from licenses.tests import factories
from portal.errors import ActionRefused
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:licenses_printjob_changelist"
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _issue(permit_item, clerk, reviewer, count, prefix="d"):
    return [
        factories.issued(permit_item, portal_factories.citizen(f"{prefix}{i}", f"持证人{i}"), clerk, reviewer).print_job
        for i in range(count)
    ]


@pytest.fixture
def jobs(construction_department, permit_item, clerk, reviewer):
    factories.permit_type(construction_department, permit_item)
    return _issue(permit_item, clerk, reviewer, 3)


def _printed(jobs, operator):
    printing.print_batch_run(batch_id=printing.print_batch_create(actor=operator, job_ids=[j.pk for j in jobs]).pk)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _revoke(job, reviewer):
    services.certificate_revoke(certificate_id=job.certificate_id, actor=reviewer, reason="违法建设")


# Delivery details


def test_the_queue_shows_a_courier_jobs_recipient_phone_and_address_in_full_while_queued(client, jobs, print_operator):
    client.force_login(print_operator)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "收件人" in page and "13812345678" in page and "东城区人民路1号" in page


def test_the_recipients_phone_and_address_are_masked_once_delivered(client, jobs, print_operator):
    _printed(jobs, print_operator)
    for job in jobs:
        printing.print_job_dispatch(job_id=job.pk, actor=print_operator, courier="EMS", waybill=f"EM{job.pk}")
        printing.print_job_deliver(job_id=job.pk, actor=print_operator)
    client.force_login(print_operator)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "13812345678" not in page and "东城区人民路1号" not in page
    assert "138****5678" in page
    change = client.get(reverse("admin:licenses_printjob_change", args=[jobs[0].pk]))
    assert change.context["delivery"].phone == "138****5678" and not change.context["delivery"].full


def test_the_job_page_and_the_dispatch_form_show_the_recipient(client, jobs, print_operator):
    _printed(jobs[:1], print_operator)
    client.force_login(print_operator)
    for url in (
        reverse("admin:licenses_printjob_change", args=[jobs[0].pk]),
        reverse("admin:licenses_printjob_dispatch", args=[jobs[0].pk]),
    ):
        page = client.get(url).content.decode()
        assert "13812345678" in page and "东城区人民路1号" in page
        assert "免费快递寄送" in page  # the delivery method, by its label


def test_the_delivery_method_has_a_chinese_label_in_the_list_filter_and_page(client, jobs, print_operator):
    with translation.override("zh-hans"):
        assert jobs[0].get_delivery_method_display() == "免费快递寄送"
    client.force_login(print_operator)
    page = client.get(reverse(CHANGELIST), {"delivery_method__exact": "courier"})
    assert page.context["cl"].result_count == 3
    content = page.content.decode()
    assert ">courier<" not in content and "快递" in content


def test_department_and_type_filters_are_drop_downs(client, jobs, print_operator, market_department):
    other_type = CertificateType.objects.create(
        code="sc-01", name="食品经营许可证", department=market_department, number_prefix="SC01"
    )
    certificate = Certificate.objects.create(
        number="SC01-2026-000001",
        certificate_type=other_type,
        year=2026,
        sequence=1,
        holder_name="某某食品有限公司某某分公司",
        holder_id_number="91320100MA1ABCDE5U",
        department=market_department,
        issued_at=timezone.now(),
        valid_from=timezone.localdate(),
    )
    printing.print_job_create(certificate=certificate)
    client.force_login(print_operator)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert page.count('class="ow-dropdown-filter"') == 2
    assert 'class="ow-trunc" title="某某食品有限公司某某分公司"' in page
    assert "食品经营许可证</option>" in page


def test_the_deadline_is_coloured_by_its_level(client, jobs, print_operator):
    PrintJob.objects.filter(pk=jobs[0].pk).update(due_level="overdue")
    client.force_login(print_operator)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "ow-sla-overdue" in page and "ow-sla-normal" in page


def test_the_queue_takes_as_many_queries_for_10_jobs_as_for_3(
    client, construction_department, permit_item, clerk, reviewer, print_operator
):
    factories.permit_type(construction_department, permit_item)
    client.force_login(print_operator)
    counts = []
    for prefix, count in (("a", 3), ("b", 7)):
        _issue(permit_item, clerk, reviewer, count, prefix=prefix)
        client.get(reverse(CHANGELIST))  # warm the session and the content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(CHANGELIST))
        assert "13812345678" in response.content.decode()
        counts.append((response.context["cl"].result_count, len(queries)))
    assert [n for n, _ in counts] == [3, 10]
    assert counts[0][1] == counts[1][1]


# The courier manifest


def test_the_manifest_csv_has_a_row_per_job_to_send_with_a_byte_order_mark(client, jobs, print_operator):
    _printed(jobs[:2], print_operator)
    printing.print_job_dispatch(job_id=jobs[1].pk, actor=print_operator, courier="EMS", waybill="EM1")
    client.force_login(print_operator)
    _in_english(client)
    with translation.override("en"):
        response = client.post(
            reverse(CHANGELIST),
            {"action": "manifest_csv", "_selected_action": [j.pk for j in jobs]},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    first = PrintJob.objects.select_related("certificate", "application").get(pk=jobs[0].pk)
    third = PrintJob.objects.select_related("certificate", "application").get(pk=jobs[2].pk)
    assert rows[0] == ["reference", "certificate number", "recipient", "recipient phone", "delivery address"]
    assert sorted(rows[1:]) == sorted(
        [
            [job.application.reference, job.certificate.number, "收件人", "13812345678", "东城区人民路1号"]
            for job in (first, third)
        ]
    )  # the dispatched one is left out
    with translation.override("en"):
        messages = _messages(response)
    assert any("Courier manifest of 2 certificates" in m for m in messages)
    assert any("1 left out" in m for m in messages)


def test_the_manifest_xlsx_is_a_workbook_whose_cells_hold_the_rows(client, jobs, print_operator):
    client.force_login(print_operator)
    response = client.post(reverse(CHANGELIST), {"action": "manifest_xlsx", "_selected_action": [jobs[0].pk]})
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= set(archive.namelist())
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    cells = {c.get("r"): "".join(c.itertext()) for c in sheet.iter(f"{SHEET}c")}
    job = PrintJob.objects.select_related("certificate", "application").get(pk=jobs[0].pk)
    assert [cells[f"{col}2"] for col in "ABCDE"] == [
        job.application.reference,
        job.certificate.number,
        "收件人",
        "13812345678",
        "东城区人民路1号",
    ]
    assert "F1" not in cells and "A3" not in cells


def test_the_xlsx_writer_escapes_text_and_names_columns_past_z():
    content = xlsx.xlsx_bytes([["a<b&c", " 007", "\x01bell"]], sheet_name="清单[1]")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    cells = [(c.get("r"), c.get("t"), "".join(c.itertext())) for c in sheet.iter(f"{SHEET}c")]
    assert cells == [("A1", "inlineStr", "a<b&c"), ("B1", "inlineStr", " 007"), ("C1", "inlineStr", "bell")]
    assert workbook.find(f"{SHEET}sheets/{SHEET}sheet").get("name") == "清单 1 "
    assert [xlsx.column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


# Messages and the steps offered


def test_a_printed_batch_says_so(client, jobs, print_operator):
    client.force_login(print_operator)
    _in_english(client)
    with translation.override("en"):
        response = client.post(
            reverse(CHANGELIST), {"action": "print_selected", "_selected_action": [jobs[0].pk, jobs[1].pk]}
        )
        messages = _messages(response)
    batch = PrintBatch.objects.get()
    assert any(f"Print batch #{batch.pk}: 2 certificates printed" in m for m in messages)


def test_dispatch_is_not_offered_on_a_dispatched_job(client, jobs, print_operator):
    _printed(jobs[:1], print_operator)
    client.force_login(print_operator)
    url = reverse("admin:licenses_printjob_change", args=[jobs[0].pk])
    assert [name for name, _, _ in client.get(url).context["job_steps"]] == ["dispatch", "reprint"]
    printing.print_job_dispatch(job_id=jobs[0].pk, actor=print_operator, courier="EMS", waybill="EM1")
    page = client.get(url)
    assert [name for name, _, _ in page.context["job_steps"]] == ["deliver"]
    assert "ow-step-dispatch" not in page.content.decode()
    again = client.get(reverse("admin:licenses_printjob_dispatch", args=[jobs[0].pk]))
    assert again.status_code == 302 and again["Location"] == url


def test_a_list_filtered_on_dispatched_offers_only_the_delivery(client, jobs, print_operator):
    client.force_login(print_operator)
    response = client.get(reverse(CHANGELIST), {"state__exact": "dispatched"})
    assert [name for name, _ in response.context["action_form"].fields["action"].choices if name] == ["mark_delivered"]


def test_dispatch_in_the_admin_says_what_was_sent(client, jobs, print_operator):
    _printed(jobs[:1], print_operator)
    client.force_login(print_operator)
    _in_english(client)
    with translation.override("en"):
        response = client.post(
            reverse("admin:licenses_printjob_dispatch", args=[jobs[0].pk]), {"courier": "EMS", "waybill": "EM77"}
        )
        messages = _messages(response)
    assert any("sent by EMS, waybill EM77" in m for m in messages)


# Certificates in force only


def _state(job):
    return PrintJob.objects.get(pk=job.pk).state


def test_a_revoked_certificate_is_left_out_of_a_batch_with_its_reason(jobs, print_operator, reviewer):
    _revoke(jobs[0], reviewer)
    batch = printing.print_batch_run(
        batch_id=printing.print_batch_create(actor=print_operator, job_ids=[j.pk for j in jobs]).pk
    )
    assert batch.status == PrintBatch.Status.DONE and batch.total == 2
    assert jobs[0].certificate.number in batch.error
    assert _state(jobs[0]) == "queued" and _state(jobs[1]) == "printed"


def test_the_print_action_skips_a_revoked_certificate_and_says_why(client, jobs, print_operator, reviewer):
    _revoke(jobs[0], reviewer)
    client.force_login(print_operator)
    _in_english(client)
    with translation.override("en"):
        response = client.post(reverse(CHANGELIST), {"action": "print_selected", "_selected_action": [jobs[0].pk]})
        messages = _messages(response)
    assert not PrintBatch.objects.exists() and _state(jobs[0]) == "queued"
    assert any(jobs[0].certificate.number in m and "no longer in force" in m for m in messages)


def test_a_revoked_certificate_cannot_be_reprinted_dispatched_or_put_at_the_counter(jobs, print_operator, reviewer):
    _printed(jobs, print_operator)
    _revoke(jobs[0], reviewer)
    calls = [
        lambda: printing.print_job_reprint(job_id=jobs[0].pk, actor=print_operator, reason="卡纸"),
        lambda: printing.print_job_dispatch(job_id=jobs[0].pk, actor=print_operator, courier="EMS", waybill="E1"),
        lambda: printing.print_job_ready(job_id=jobs[0].pk, actor=print_operator),
    ]
    for call in calls:
        with translation.override("en"), pytest.raises(ActionRefused, match="no longer in force"):
            call()
        assert _state(jobs[0]) == "printed"
    assert not StateLog.objects.for_(jobs[0]).exclude(transition="mark_printed").exists()


def test_a_revoked_certificate_is_not_handed_over_at_the_counter(client, jobs, print_operator, reviewer):
    _printed(jobs, print_operator)
    PrintJob.objects.filter(pk=jobs[0].pk).update(delivery_method="pickup")  # the applicant chose the counter
    printing.print_job_ready(job_id=jobs[0].pk, actor=print_operator)
    _revoke(jobs[0], reviewer)
    holder_id = jobs[0].certificate.holder_id_number
    with translation.override("en"), pytest.raises(ActionRefused, match="no longer in force"):
        printing.print_job_collect(job_id=jobs[0].pk, actor=print_operator, collector_id_number=holder_id)
    client.force_login(print_operator)
    response = client.post(
        reverse("admin:licenses_printjob_collect", args=[jobs[0].pk]), {"collector_id_number": holder_id}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    job = PrintJob.objects.get(pk=jobs[0].pk)
    assert (job.state, job.collector_id_number, job.collected_at) == ("ready", "", None)
    assert client.get(reverse("admin:licenses_printjob_change", args=[job.pk])).context["job_steps"] == []


def test_a_suspended_certificate_is_not_dispatched(jobs, print_operator, reviewer):
    _printed(jobs[:1], print_operator)
    services.certificate_suspend(certificate_id=jobs[0].certificate_id, actor=reviewer, reason="检查")
    with pytest.raises(ActionRefused):
        printing.print_job_dispatch(job_id=jobs[0].pk, actor=print_operator, courier="EMS", waybill="E1")
    assert _state(jobs[0]) == "printed"


def test_a_correction_cancels_the_old_job_and_queues_the_new_version(jobs, print_operator, reviewer):
    _printed(jobs[:1], print_operator)
    old = jobs[0].certificate
    new = services.certificate_correct(certificate_id=old.pk, actor=reviewer, holder_name="张爱莉", reason="错字")
    assert _state(jobs[0]) == "cancelled"
    log = StateLog.objects.for_(jobs[0]).get(transition="cancel")
    assert (log.by, log.description) == (reviewer, "错字")
    new_job = PrintJob.objects.get(certificate=new)
    assert new_job.state == "queued" and new_job.application_id == jobs[0].application_id
    with pytest.raises(ActionRefused):
        printing.print_job_dispatch(job_id=jobs[0].pk, actor=print_operator, courier="EMS", waybill="E1")


def test_a_renewal_cancels_the_old_job_but_not_one_already_sent(jobs, print_operator, reviewer):
    _printed(jobs[:2], print_operator)
    printing.print_job_dispatch(job_id=jobs[1].pk, actor=print_operator, courier="EMS", waybill="E1")
    services.certificate_renew(certificate_id=jobs[0].certificate_id, actor=reviewer)
    services.certificate_renew(certificate_id=jobs[1].certificate_id, actor=reviewer)
    assert (_state(jobs[0]), _state(jobs[1])) == ("cancelled", "dispatched")
    assert PrintJob.objects.filter(state="queued", certificate__replaces__isnull=False).count() == 2
    assert Certificate.objects.get(pk=jobs[0].certificate_id).status == "superseded"


def test_a_list_opened_from_the_home_page_with_state_offers_that_states_actions(client, print_operator):
    client.force_login(print_operator)
    response = client.get("/admin/licenses/printjob/?state=dispatched")
    choices = [value for value, _label in response.context["action_form"].fields["action"].choices if value]
    assert choices == ["mark_delivered"]


def test_a_step_of_the_other_delivery_method_is_refused(jobs, print_operator):
    _printed(jobs[:2], print_operator)
    with pytest.raises(ActionRefused):
        printing.print_job_ready(job_id=jobs[0].pk, actor=print_operator)  # a courier job
    PrintJob.objects.filter(pk=jobs[1].pk).update(delivery_method="pickup")
    with pytest.raises(ActionRefused):
        printing.print_job_dispatch(job_id=jobs[1].pk, actor=print_operator, courier="EMS", waybill="EM1")
    assert list(PrintJob.objects.filter(pk__in=[jobs[0].pk, jobs[1].pk]).values_list("state", flat=True)) == [
        "printed",
        "printed",
    ]


def test_the_waybill_of_a_corrected_certificate_dispatches_its_new_job(jobs, print_operator, reviewer):
    corrected = services.certificate_correct(
        certificate_id=jobs[0].certificate_id, actor=reviewer, holder_name="持证人零", reason="更正姓名"
    )
    new_job = PrintJob.objects.get(certificate=corrected)
    _printed([new_job], print_operator)
    reference = new_job.application.reference
    applied, errors = printing.waybills_import(io.StringIO(f"{reference},EMS,EM7\n"), actor=print_operator)
    assert (applied, errors) == (1, [])
    assert PrintJob.objects.get(pk=new_job.pk).state == "dispatched"
