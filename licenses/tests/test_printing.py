"""The printing centre: the print-job state machine, batch PDFs, reprints, failed batches."""

import io
import zipfile
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_fsm import TransitionNotAllowed, has_transition_perm
from django_fsm_log.models import StateLog
from pypdf import PdfReader

from approvals import services as approval_services
from approvals.models import TransitionRole
from approvals.tests import factories as approval_factories
from licenses import qr, services
from licenses.models import Certificate, CertificateType, PrintBatch, PrintJob
from licenses.services import printing
from licenses.tests import factories
from portal import roles
from portal.clock import deadlines, sweep
from portal.errors import ActionRefused
from portal.models import ClockAlert, Notification
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(construction_department, permit_item, clerk, reviewer):
    factories.permit_type(construction_department, permit_item)
    certificates = [
        factories.issued(permit_item, portal_factories.citizen(f"p{i}", f"持证人{i}"), clerk, reviewer)
        for i in range(4)
    ]
    return [c.print_job for c in certificates]


def test_a_batch_prints_one_pdf_with_the_right_numbers_in_order(jobs, print_operator):
    chosen = [jobs[2].pk, jobs[0].pk, jobs[3].pk]
    batch = printing.print_batch_run(batch_id=printing.print_batch_create(actor=print_operator, job_ids=chosen).pk)
    assert batch.status == PrintBatch.Status.DONE and batch.total == 3
    reader = PdfReader(batch.file.open("rb"))
    numbers = [PrintJob.objects.get(pk=pk).certificate.number for pk in chosen]
    assert len(reader.pages) == 3
    for page, number in zip(reader.pages, numbers, strict=True):
        assert number in page.extract_text()
    assert set(PrintJob.objects.filter(state="printed").values_list("pk", flat=True)) == set(chosen)
    assert PrintJob.objects.get(pk=jobs[1].pk).state == "queued"


@pytest.fixture
def ten_jobs(construction_department, permit_item, clerk, reviewer):
    factories.permit_type(construction_department, permit_item)
    return [
        factories.issued(permit_item, portal_factories.citizen(f"t{i}", f"持证人{i}"), clerk, reviewer).print_job
        for i in range(10)
    ]


@pytest.fixture
def drawn(monkeypatch):
    """Record how many certificates each call of the renderer drew (one call, one canvas holding its pages)."""
    calls = []
    render = printing.render_certificates

    def counting(certificates, output):
        seen = []
        pages = render((seen.append(c) or c for c in certificates), output)
        calls.append(len(seen))
        return pages

    monkeypatch.setattr(printing, "render_certificates", counting)
    return calls


def test_a_large_batch_is_drawn_a_chunk_of_pages_at_a_time_into_pdfs_in_printing_order(
    ten_jobs, print_operator, settings, drawn
):
    settings.PRINT_BATCH_PAGES = 3
    chosen = [job.pk for job in reversed(ten_jobs)]
    batch = printing.print_batch_create(actor=print_operator, job_ids=chosen)
    batch = printing.print_batch_run(batch_id=batch.pk)
    assert batch.status == PrintBatch.Status.DONE and batch.total == 10
    assert drawn == [3, 3, 3, 1]  # no canvas ever held more than a chunk of pages
    assert batch.file.name.endswith(f"print-batch-{batch.pk}.zip")
    with zipfile.ZipFile(batch.file.open("rb")) as archive:
        names = archive.namelist()
        texts = [page.extract_text() for name in names for page in PdfReader(io.BytesIO(archive.read(name))).pages]
    assert names == [f"print-batch-{batch.pk}-{index:03d}-of-004.pdf" for index in range(1, 5)]
    numbers = [PrintJob.objects.get(pk=pk).certificate.number for pk in chosen]
    assert len(texts) == 10
    for text, number in zip(texts, numbers, strict=True):
        assert number in text
    assert PrintJob.objects.filter(state="printed", batch=batch).count() == 10
    assert StateLog.objects.filter(transition="mark_printed").count() == 10


def test_a_batch_loads_its_jobs_a_chunk_at_a_time(ten_jobs, print_operator, settings, drawn):
    settings.PRINT_BATCH_PAGES = 3
    batch = printing.print_batch_create(actor=print_operator, job_ids=[job.pk for job in ten_jobs])
    loaded = []
    load = printing._certificates_of_jobs

    def recording(job_ids):
        certificates = load(job_ids)
        loaded.append(len(certificates))
        return certificates

    with mock.patch.object(printing, "_certificates_of_jobs", recording):
        batch = printing.print_batch_run(batch_id=batch.pk)
    assert batch.status == PrintBatch.Status.DONE
    assert loaded == [3, 3, 3, 1]


def test_a_batch_records_its_progress_once_a_chunk(ten_jobs, print_operator, settings):
    settings.PRINT_BATCH_PAGES = 3
    batch = printing.print_batch_create(actor=print_operator, job_ids=[job.pk for job in ten_jobs])
    seen = []
    load = printing._certificates_of_jobs

    def recording(job_ids):
        seen.append(PrintBatch.objects.get(pk=batch.pk).done)  # the pages drawn before this chunk
        return load(job_ids)

    with mock.patch.object(printing, "_certificates_of_jobs", recording):
        batch = printing.print_batch_run(batch_id=batch.pk)
    assert seen == [0, 3, 6, 9]
    assert (batch.done, batch.progress_percent) == (10, 100)


def test_a_batch_failing_in_a_later_chunk_marks_nothing_printed_and_keeps_no_file(
    ten_jobs, print_operator, settings, monkeypatch
):
    settings.PRINT_BATCH_PAGES = 3
    render = printing.render_certificates
    calls = []

    def failing_third(certificates, output):
        calls.append(output)
        if len(calls) == 3:
            raise OSError("printer spool full")
        return render(certificates, output)

    monkeypatch.setattr(printing, "render_certificates", failing_third)
    batch = printing.print_batch_create(actor=print_operator, job_ids=[job.pk for job in ten_jobs])
    batch = printing.print_batch_run(batch_id=batch.pk)
    assert batch.status == PrintBatch.Status.FAILED and "spool" in batch.error and not batch.file
    assert len(calls) == 3
    assert not PrintJob.objects.exclude(state="queued").exists()
    assert not PrintJob.objects.filter(batch__isnull=False).exists()


def test_every_job_of_a_batch_is_logged_once_printed_by_the_operator_in_the_operators_role(
    ten_jobs, print_operator, settings
):
    settings.PRINT_BATCH_PAGES = 3  # four chunks: the role is carried from one chunk to the next
    batch = printing.print_batch_create(actor=print_operator, job_ids=[job.pk for job in ten_jobs])
    batch = printing.print_batch_run(batch_id=batch.pk)
    assert batch.status == PrintBatch.Status.DONE
    for job in ten_jobs:
        log = StateLog.objects.for_(job).get()  # exactly one row: the batch's
        assert (log.transition, log.source_state, log.state, log.by) == (
            "mark_printed",
            "queued",
            "printed",
            print_operator,
        )
        assert TransitionRole.objects.get(log=log).role == roles.PRINT_OPERATOR
    assert StateLog.objects.filter(transition="mark_printed").count() == 10
    assert TransitionRole.objects.filter(log__transition="mark_printed").count() == 10
    assert PrintJob.objects.filter(state="printed", batch=batch, printed_at=batch.finished_at).count() == 10


def _bulk_jobs(department, count: int) -> list[PrintJob]:
    """Queue `count` print jobs of certificates created in bulk, without stored QR codes or applications."""
    certificate_type, _ = CertificateType.objects.get_or_create(
        code="t", defaults={"name": "测试证", "department": department, "number_prefix": "T"}
    )
    start = Certificate.objects.filter(certificate_type=certificate_type).count()
    now = timezone.now()
    certificates = Certificate.objects.bulk_create(
        Certificate(
            number=f"T-2026-{i:06d}",
            certificate_type=certificate_type,
            year=2026,
            sequence=i,
            holder_name="某",
            holder_id_number="91320100MA1ABCDE5U",
            department=department,
            data=[["持证人", "某"]],
            issued_at=now,
            valid_from=now.date(),
        )
        for i in range(start + 1, start + count + 1)
    )
    return PrintJob.objects.bulk_create(PrintJob(certificate=c, due_at=now) for c in certificates)


def _statements_of_a_batch(jobs, operator) -> list[str]:
    batch = printing.print_batch_create(actor=operator, job_ids=[job.pk for job in jobs])
    ContentType.objects.clear_cache()  # each batch reads the log's content type alike
    with CaptureQueriesContext(connection) as queries:
        batch = printing.print_batch_run(batch_id=batch.pk)
    assert batch.status == PrintBatch.Status.DONE and batch.total == len(jobs)
    return [query["sql"] for query in queries.captured_queries]


def test_a_batchs_statements_do_not_grow_with_its_jobs(construction_department, print_operator, settings):
    settings.PRINT_BATCH_PAGES = 50  # both batches are one chunk
    few = _statements_of_a_batch(_bulk_jobs(construction_department, 3), print_operator)
    many = _statements_of_a_batch(_bulk_jobs(construction_department, 30), print_operator)
    assert len(many) == len(few)
    assert StateLog.objects.filter(transition="mark_printed").count() == 33
    assert TransitionRole.objects.filter(log__transition="mark_printed").count() == 33


def test_a_job_cancelled_or_claimed_by_another_batch_while_a_batch_is_drawn_is_not_marked_printed(
    ten_jobs, print_operator, reviewer, settings, monkeypatch
):
    settings.PRINT_BATCH_PAGES = 3
    cancelled, taken = ten_jobs[1], ten_jobs[7]
    render = printing.render_certificates
    calls = []

    def meanwhile(certificates, output):
        calls.append(output)
        if len(calls) == 1:
            printing.print_job_cancel(certificate_id=cancelled.certificate_id, actor=reviewer, reason="更正")
            # The claim of a batch whose worker seemed dead, taken by another batch.
            other = printing.print_batch_create(actor=print_operator, job_ids=[taken.pk])
            PrintJob.objects.filter(pk=taken.pk).update(batch=other)
        return render(certificates, output)

    monkeypatch.setattr(printing, "render_certificates", meanwhile)
    batch = printing.print_batch_create(actor=print_operator, job_ids=[job.pk for job in ten_jobs])
    batch = printing.print_batch_run(batch_id=batch.pk)
    assert batch.status == PrintBatch.Status.DONE
    assert PrintJob.objects.get(pk=cancelled.pk).state == "cancelled"
    assert PrintJob.objects.get(pk=taken.pk).state == "queued"
    marked = {job.pk for job in ten_jobs} - {cancelled.pk, taken.pk}
    assert set(PrintJob.objects.filter(state="printed", batch=batch).values_list("pk", flat=True)) == marked
    assert StateLog.objects.filter(transition="mark_printed").count() == 8
    assert not StateLog.objects.for_(PrintJob.objects.get(pk=taken.pk)).exists()


def test_the_operator_downloads_a_large_batch_as_a_zip(client, ten_jobs, print_operator, settings):
    settings.PRINT_BATCH_PAGES = 4
    batch = printing.print_batch_create(actor=print_operator, job_ids=[job.pk for job in ten_jobs])
    printing.print_batch_run(batch_id=batch.pk)
    client.force_login(print_operator)
    page = client.get(reverse("admin:licenses_printbatch_change", args=[batch.pk])).content.decode()
    assert "下载 PDF 文件（ZIP 压缩包，按打印顺序排列）" in page
    response = client.get(reverse("admin:licenses_printbatch_pdf", args=[batch.pk]))
    assert response["Content-Type"] == "application/zip"
    assert f'filename="print-batch-{batch.pk}.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert [len(PdfReader(io.BytesIO(archive.read(name))).pages) for name in archive.namelist()] == [4, 4, 2]


def test_a_failed_batch_marks_nothing_printed(jobs, print_operator, monkeypatch):
    def broken(certificates, output):
        for index, _ in enumerate(certificates):
            if index == 1:
                raise OSError("printer spool full")

    monkeypatch.setattr(printing, "render_certificates", broken)
    batch = printing.print_batch_create(actor=print_operator, job_ids=[j.pk for j in jobs])
    batch = printing.print_batch_run(batch_id=batch.pk)
    assert batch.status == PrintBatch.Status.FAILED and "spool" in batch.error
    assert not PrintJob.objects.exclude(state="queued").exists()
    assert not PrintJob.objects.filter(batch__isnull=False).exists()  # the claim is released


def test_a_job_is_printed_by_one_batch_only(jobs, print_operator):
    first = printing.print_batch_create(actor=print_operator, job_ids=[jobs[0].pk])
    second = printing.print_batch_create(actor=print_operator, job_ids=[jobs[0].pk, jobs[1].pk])
    printing.print_batch_run(batch_id=first.pk)
    second = printing.print_batch_run(batch_id=second.pk)
    assert second.total == 1
    assert StateLog.objects.filter(transition="mark_printed").count() == 2


def test_running_a_batch_twice_prints_it_once(jobs, print_operator):
    batch = printing.print_batch_create(actor=print_operator, job_ids=[jobs[0].pk])
    printing.print_batch_run(batch_id=batch.pk)
    printing.print_batch_run(batch_id=batch.pk)
    assert StateLog.objects.filter(transition="mark_printed").count() == 1


def test_a_reprint_needs_a_reason_and_is_logged(jobs, print_operator):
    printing.print_batch_run(batch_id=printing.print_batch_create(actor=print_operator, job_ids=[jobs[0].pk]).pk)
    with pytest.raises(ActionRefused):
        printing.print_job_reprint(job_id=jobs[0].pk, actor=print_operator, reason="")
    pdf = printing.print_job_reprint(job_id=jobs[0].pk, actor=print_operator, reason="卡纸损坏")
    assert pdf.startswith(b"%PDF")
    log = StateLog.objects.get(transition="reprint")
    assert (log.by, log.description) == (print_operator, "卡纸损坏")


def test_a_queued_job_cannot_be_reprinted(jobs, print_operator):
    with pytest.raises(ActionRefused):
        printing.print_job_reprint(job_id=jobs[0].pk, actor=print_operator, reason="x")


def test_the_state_machine_courier_and_pickup_paths(jobs, print_operator, reviewer):
    job = PrintJob.objects.get(pk=jobs[0].pk)
    with pytest.raises(TransitionNotAllowed):
        job.dispatch(by=print_operator, at=timezone.now(), courier="EMS", waybill="1")
    job.mark_printed(by=print_operator, at=timezone.now())
    job.dispatch(by=print_operator, at=timezone.now(), courier="EMS", waybill="EM123")
    job.mark_delivered(by=print_operator, at=timezone.now())
    assert job.state == "delivered"
    other = PrintJob.objects.get(pk=jobs[1].pk)
    other.mark_printed(by=print_operator, at=timezone.now())
    other.make_ready(by=print_operator)
    other.collect(by=print_operator, at=timezone.now(), collector_id_number="x")
    assert other.state == "collected"

    third = PrintJob.objects.get(pk=jobs[2].pk)
    assert not has_transition_perm(third.mark_printed, reviewer)


def test_the_operator_prints_from_the_queue_and_downloads_again(client, jobs, print_operator):
    client.force_login(print_operator)
    queue = client.get(reverse("admin:licenses_printjob_changelist"), {"state": "queued"})
    assert queue.status_code == 200 and queue.context["cl"].result_count == 4
    response = client.post(
        reverse("admin:licenses_printjob_changelist"),
        {"action": "print_selected", "_selected_action": [j.pk for j in jobs[:2]]},
    )
    batch = PrintBatch.objects.get()
    assert response["Location"] == reverse("admin:licenses_printbatch_change", args=[batch.pk])
    first = b"".join(client.get(reverse("admin:licenses_printbatch_pdf", args=[batch.pk])).streaming_content)
    again = b"".join(client.get(reverse("admin:licenses_printbatch_pdf", args=[batch.pk])).streaming_content)
    assert first == again and len(PdfReader(io.BytesIO(first)).pages) == 2
    assert StateLog.objects.filter(transition="mark_printed").count() == 2


def test_a_large_selection_runs_in_the_background_with_a_progress_page(
    client, jobs, print_operator, settings, django_capture_on_commit_callbacks
):
    settings.PRINT_BATCH_SYNC_LIMIT = 2
    client.force_login(print_operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:licenses_printjob_changelist"),
            {"action": "print_selected", "_selected_action": [j.pk for j in jobs]},
        )
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "100%" in page
    assert PrintJob.objects.filter(state="printed").count() == 4


def test_others_cannot_print(client, jobs, reviewer):
    client.force_login(reviewer)
    client.post(
        reverse("admin:licenses_printjob_changelist"), {"action": "print_selected", "_selected_action": [jobs[0].pk]}
    )
    assert not PrintBatch.objects.exists()


def _printed(jobs, operator):
    printing.print_batch_run(batch_id=printing.print_batch_create(actor=operator, job_ids=[j.pk for j in jobs]).pk)


def test_dispatch_tells_the_holder_the_waybill_and_the_personal_centre_shows_it(client, jobs, print_operator):
    _printed(jobs, print_operator)
    job = printing.print_job_dispatch(
        job_id=jobs[0].pk, actor=print_operator, courier="中国邮政 EMS", waybill="EM123456789CN"
    )
    holder = job.certificate.holder
    assert Notification.objects.filter(
        user=holder, kind="certificate_delivery", title__contains="EM123456789CN"
    ).exists()
    client.force_login(holder)
    content = client.get(reverse("me")).content.decode()
    assert "EM123456789CN" in content and "中国邮政 EMS" in content
    assert "费" not in content.split("我的证照")[1].split("</div></div>")[0]  # no fee anywhere in the flow
    printing.print_job_deliver(job_id=job.pk, actor=print_operator)
    assert PrintJob.objects.get(pk=job.pk).state == "delivered"


def test_pickup_with_a_wrong_id_is_refused_and_the_holders_id_collects(jobs, print_operator):
    _printed(jobs, print_operator)
    PrintJob.objects.filter(pk=jobs[1].pk).update(delivery_method="pickup")  # the applicant chose the counter
    job = printing.print_job_ready(job_id=jobs[1].pk, actor=print_operator)
    stranger = portal_factories.id_number()
    with translation.override("zh-hans"), pytest.raises(ActionRefused) as refused:
        printing.print_job_collect(job_id=job.pk, actor=print_operator, collector_id_number=stranger)
    assert type(refused.value) is ActionRefused  # a refusal, not "already handled"
    assert f"证件号码 {stranger} 不是持证人、申请人或授权代领人的，不能发放证照" in refused.value.message
    refused_job = PrintJob.objects.get(pk=job.pk)
    assert (refused_job.state, refused_job.collector_id_number, refused_job.collected_at) == ("ready", "", None)
    assert not StateLog.objects.for_(job).filter(transition="collect").exists()
    holder_id = job.certificate.holder_id_number.lower()
    printing.print_job_collect(job_id=job.pk, actor=print_operator, collector_id_number=holder_id)
    collected = PrintJob.objects.get(pk=job.pk)
    assert (collected.state, collected.collector_id_number) == ("collected", holder_id.upper())
    assert collected.collected_at is not None
    assert StateLog.objects.for_(job).filter(transition="collect", by=print_operator).count() == 1


def test_the_waybill_csv_applies_good_rows_and_reports_bad_ones_by_line(jobs, print_operator):
    _printed(jobs[:3], print_operator)
    reference = jobs[0].certificate.source_application.reference
    lines = io.StringIO(
        "reference,courier,waybill\n"
        f"{reference},顺丰速运,SF1001\n"
        f"{jobs[1].certificate.number},EMS,EM2002\n"
        "NO-SUCH-REF,EMS,EM3003\n"
        f"{jobs[2].certificate.number},EMS\n"
        f"{jobs[3].certificate.number},EMS,EM4004\n"
    )
    applied, errors = printing.waybills_import(lines, actor=print_operator)
    assert applied == 2
    assert [line for line, _ in errors] == [4, 5, 6]  # unknown, missing waybill, not printed yet
    assert PrintJob.objects.get(pk=jobs[0].pk).waybill == "SF1001"


def test_the_operator_uploads_waybills_in_the_admin(client, jobs, print_operator):
    _printed(jobs[:1], print_operator)
    client.force_login(print_operator)
    upload = SimpleUploadedFile("w.csv", f"{jobs[0].certificate.number},EMS,EM9\n".encode(), "text/csv")
    response = client.post(reverse("admin:licenses_printjob_waybills"), {"file": upload})
    assert response.context["result"] == (1, [])


def test_the_one_clock_sweep_warns_and_alerts_on_print_deadlines_once(jobs, print_operator, supervisor):

    job = PrintJob.objects.get(pk=jobs[0].pk)
    due = job.due_at.astimezone(ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(due - timedelta(hours=20), tick=False):
        sweep.run()
        sweep.run()
    with time_machine.travel(due + timedelta(days=1), tick=False):
        for _ in range(3):
            sweep.run()
    assert sorted(ClockAlert.objects.filter(clock="print_jobs", object_id=job.pk).values_list("level", flat=True)) == [
        "overdue",
        "warning",
    ]
    # The four jobs of the fixture share the deadline: one warning and one overdue alert each, whatever the sweeps.
    assert ClockAlert.objects.filter(clock="print_jobs").count() == 8
    assert Notification.objects.filter(user=print_operator, kind__startswith="print_").count() == 8
    # Supervisors read overdue jobs in their daily digest (oversight), not one notification per alert.
    assert not Notification.objects.filter(user=supervisor, kind__startswith="print_").exists()
    assert PrintJob.objects.get(pk=job.pk).due_level == "overdue"


def test_a_dispatched_job_is_not_alerted(jobs, print_operator):

    _printed(jobs[:1], print_operator)
    printing.print_job_dispatch(job_id=jobs[0].pk, actor=print_operator, courier="EMS", waybill="EM1")
    with time_machine.travel(jobs[0].due_at + timedelta(days=2), tick=False):
        sweep.run()
    assert not ClockAlert.objects.filter(clock="print_jobs", object_id=jobs[0].pk).exists()


def test_a_batch_of_certificates_without_stored_codes_encodes_them_while_printing(
    construction_department, permit_item, print_operator
):

    jobs = _bulk_jobs(construction_department, 60)

    with mock.patch.object(qr, "encode", wraps=qr.encode) as encode:
        batch = printing.print_batch_run(
            batch_id=printing.print_batch_create(actor=print_operator, job_ids=[j.pk for j in jobs]).pk
        )
    assert batch.status == "done" and batch.total == 60
    assert encode.call_count == 60  # imported or issued before codes were stored: none to draw
    reader = PdfReader(batch.file.open("rb"))
    assert len(reader.pages) == 60 and "T-2026-000060" in reader.pages[-1].extract_text()


def test_the_authorised_agent_collects(construction_department, permit_item, citizen, clerk, reviewer, print_operator):
    factories.permit_type(construction_department, permit_item)
    agent_id = portal_factories.id_number()
    draft = approval_factories.complete_draft(permit_item, citizen)
    approval_services.application_update(
        application=draft,
        actor=citizen,
        data=approval_services.DraftData(
            form_data=draft.form_data,
            contact_name="张",
            contact_phone="13812345678",
            delivery_method="pickup",
            agent_name="代领人",
            agent_id_number=agent_id,
        ),
    )
    application = approval_services.application_submit(application_id=draft.pk, actor=citizen)
    approval_services.application_accept(application_id=application.pk, actor=clerk)
    approval_services.application_claim(application_id=application.pk, actor=reviewer)
    approval_services.application_approve(application_id=application.pk, actor=reviewer)
    job = PrintJob.objects.get(certificate__source_application=application)
    assert job.delivery_method == "pickup"
    _printed([job], print_operator)
    printing.print_job_ready(job_id=job.pk, actor=print_operator)
    printing.print_job_collect(job_id=job.pk, actor=print_operator, collector_id_number=agent_id)
    assert PrintJob.objects.get(pk=job.pk).collector_id_number == agent_id


def test_jobs_claimed_by_a_batch_whose_worker_died_can_be_printed_again(jobs, print_operator):

    dead = printing.print_batch_create(actor=print_operator, job_ids=[jobs[0].pk])
    PrintBatch.objects.filter(pk=dead.pk).update(
        status=PrintBatch.Status.RUNNING, created_at=timezone.now() - timedelta(hours=2)
    )
    PrintJob.objects.filter(pk=jobs[0].pk).update(batch=dead)  # claimed, never printed
    batch = printing.print_batch_run(
        batch_id=printing.print_batch_create(actor=print_operator, job_ids=[jobs[0].pk]).pk
    )
    assert batch.status == PrintBatch.Status.DONE and batch.total == 1
    assert PrintJob.objects.get(pk=jobs[0].pk).state == "printed"


def test_a_live_batch_keeps_its_claim(jobs, print_operator):
    live = printing.print_batch_create(actor=print_operator, job_ids=[jobs[0].pk])
    PrintBatch.objects.filter(pk=live.pk).update(status=PrintBatch.Status.RUNNING)
    PrintJob.objects.filter(pk=jobs[0].pk).update(batch=live)
    batch = printing.print_batch_run(
        batch_id=printing.print_batch_create(actor=print_operator, job_ids=[jobs[0].pk]).pk
    )
    assert (batch.total, batch.status) == (0, PrintBatch.Status.FAILED)
    assert not batch.file and PrintJob.objects.get(pk=jobs[0].pk).state == "queued"


@pytest.mark.parametrize("local_time", ["2026-03-05 23:30", "2026-03-06 00:30"])
def test_a_print_job_is_due_by_the_art_44_deadline_of_the_local_day_of_issue(jobs, local_time, settings):

    certificate = jobs[0].certificate
    PrintJob.objects.filter(pk=jobs[0].pk).delete()
    issued = datetime.fromisoformat(local_time).replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=issued)
    certificate.refresh_from_db()
    job = printing.print_job_create(certificate=certificate)
    assert job.due_at == deadlines.end_of_day(deadlines.certificate_deadline(issued.date()))
    assert (job.state, job.delivery_method) == ("queued", "courier")


def test_issuance_corrections_and_renewals_queue_their_print_job_in_one_place(
    construction_department, permit_item, citizen, clerk, reviewer, monkeypatch
):

    created = []
    real = printing._print_job_for

    def spy(certificate, *args, **kwargs):
        created.append(certificate.pk)
        return real(certificate, *args, **kwargs)

    monkeypatch.setattr(printing, "_print_job_for", spy)
    factories.permit_type(construction_department, permit_item)
    issued = factories.issued(permit_item, citizen, clerk, reviewer)
    PrintJob.objects.filter(certificate=issued).update(delivery_method="pickup")
    corrected = services.certificate_correct(
        certificate_id=issued.pk, actor=reviewer, holder_name="张爱莉", reason="错字"
    )
    renewed = services.certificate_renew(certificate_id=corrected.pk, actor=reviewer)
    assert created == [issued.pk, corrected.pk, renewed.pk]
    for certificate in (issued, corrected, renewed):
        expected = deadlines.end_of_day(deadlines.certificate_deadline(timezone.localdate(certificate.issued_at)))
        assert PrintJob.objects.get(certificate=certificate).due_at == expected
    assert PrintJob.objects.get(certificate=renewed).delivery_method == "pickup"  # the holder's choice carries over


def test_only_the_printing_centre_reprints(jobs, print_operator, reviewer):
    _printed(jobs[:1], print_operator)
    with pytest.raises(ActionRefused, match="只有制证中心可以打印证照"):
        printing.print_job_reprint(job_id=jobs[0].pk, actor=reviewer, reason="卡纸损坏")
    assert not StateLog.objects.filter(transition="reprint").exists()
