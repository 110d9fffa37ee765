"""The printing centre's services: print jobs, batch printing into one PDF, reprints, courier and counter.

A batch first claims its queued jobs (so two batches never print the same job), draws
every certificate into a temporary file, and only when the file is complete marks the
jobs printed, in one transaction with storing the file. A batch that fails half-way
releases its claim and marks nothing printed; a job cancelled, or claimed by another
batch, while the file was drawn is not marked. Apart from drawing, a batch runs the same
few statements per chunk of `PRINT_BATCH_PAGES` jobs whatever the chunk's size: the
chunk's certificates loaded, its progress, its jobs marked printed with their log rows.
"""

from __future__ import annotations

import csv
import gc
import logging
import math
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from approvals import batching, fsm_log
from portal.clock import deadlines
from portal.errors import ActionRefused
from portal.services import notification_send
from portal.validators import normalize_id_number

from ..models import Certificate, PrintBatch, PrintJob
from ..pdf import DRAWN_FIELDS, certificate_pdf_bytes, render_certificates

logger = logging.getLogger(__name__)
STALE_AFTER_SECONDS = 3600  # the print task's hard time limit


def _refuse(message: str):
    return ActionRefused(message)


def _print_job_for(certificate: Certificate, delivery_method: str = "", application=None, *, due=None) -> PrintJob:
    """Return the print job (unsaved) of a newly issued certificate, due by the Art. 44 deadline of its day of issue.

    `due` memoises the deadline by day of issue across the jobs of a batch.
    """
    issued_on = timezone.localdate(certificate.issued_at)
    due = {} if due is None else due
    if issued_on not in due:
        due[issued_on] = deadlines.end_of_day(deadlines.certificate_deadline(issued_on))
    return PrintJob(
        certificate=certificate,
        due_at=due[issued_on],
        delivery_method=delivery_method or PrintJob.Delivery.COURIER,
        application=application or certificate.source_application,
    )


def print_job_create(*, certificate: Certificate, delivery_method: str = "", application=None) -> PrintJob:
    """Queue the print job of a newly issued certificate, due by the Art. 44 deadline of its day of issue.

    The one place a single print job is created: issuance, corrections and renewals all come here,
    inside the transaction that issues the certificate. `application` gives the recipient,
    phone and address; a new version passes on its predecessor's.
    """
    job = _print_job_for(certificate, delivery_method, application)
    job.save()
    return job


def print_jobs_create(certificates: list[Certificate]) -> list[PrintJob]:
    """Queue the print jobs of certificates just issued to applications, in one insert (a batch approval)."""
    due: dict = {}
    return PrintJob.objects.bulk_create(
        [
            _print_job_for(
                certificate, certificate.source_application.delivery_method, certificate.source_application, due=due
            )
            for certificate in certificates
        ]
    )


def certificate_out_of_force_reason(certificate: Certificate) -> str:
    """Return why a certificate may not be printed or handed over (revoked, suspended, replaced...), or "" if in force.

    The one check every printing step makes: only a certificate in force leaves the centre.
    """
    if certificate.status == Certificate.Status.VALID:
        return ""
    return _("%(number)s is %(status)s and no longer in force: it cannot be printed, sent or handed over.") % {
        "number": certificate.number,
        "status": certificate.get_status_display(),
    }


def _require_in_force(job: PrintJob) -> None:
    reason = certificate_out_of_force_reason(job.certificate)
    if reason:
        raise _refuse(reason)


def print_job_cancel(*, certificate_id: int, actor, reason: str) -> PrintJob | None:
    """Cancel the print job of a replaced certificate if it has not left the centre; return it, or None.

    Called by corrections and renewals inside their transaction, after the caller checked the
    actor's right to change the certificate. A job already sent or collected stays as it is.
    """
    job = PrintJob.objects.select_for_update(of=("self",)).filter(certificate_id=certificate_id).first()
    if job is None or not can_proceed(job.cancel):
        return None
    job.cancel(by=actor, description=reason)
    job.save()
    return job


def print_batch_create(*, actor, job_ids: list[int]) -> PrintBatch:
    """Record a batch of print jobs chosen by a print operator."""
    if not actor.has_perm("licenses.operate_printing"):
        raise _refuse(_("Only the printing centre prints certificates."))
    ids = list(dict.fromkeys(int(pk) for pk in job_ids))
    return PrintBatch.objects.create(created_by=actor, job_ids=ids, total=len(ids))


def _chunks(items: list, size: int):
    for first in range(0, len(items), size):
        yield items[first : first + size]


def _certificates_of_jobs(job_ids: list[int]) -> dict[int, Certificate]:
    """Return {job pk: its certificate, with its type and department}, in one query.

    The certificates are loaded rather than the jobs: a job and its certificate point at each
    other (a reference cycle), which only the cyclic garbage collector would free. Only what the
    page shows is loaded (`pdf.DRAWN_FIELDS`): the rest of the row, the holder's ID number
    decrypted first of all, took longer to load than the page's QR code to draw.
    """
    return {
        certificate.job_pk: certificate
        for certificate in Certificate.objects.select_related("certificate_type", "department")
        .only(*DRAWN_FIELDS)
        .filter(print_job__pk__in=job_ids)
        .annotate(job_pk=F("print_job__pk"))
    }


def _print_batch_file(batch: PrintBatch, job_ids: list[int], folder: Path) -> Path:
    """Draw the batch's certificates in order, `PRINT_BATCH_PAGES` pages at a time; return the file to keep.

    Each chunk loads only its own certificates and is drawn by its own reportlab canvas, which
    holds its pages until it writes them: memory stays that of one chunk whatever the batch's
    size. A batch of one chunk is one PDF; a larger one is a ZIP of one PDF per chunk, named in
    printing order (`print-batch-<pk>-001-of-<n>.pdf`...), each added to the ZIP as soon as it is
    drawn and then deleted. pypdf cannot append to a PDF without holding every page it merged, so
    one PDF for a batch of any size would not be flat.
    """
    size = settings.PRINT_BATCH_PAGES
    count = math.ceil(len(job_ids) / size)
    done = 0

    def draw(chunk, output: Path) -> None:
        # Each certificate's QR code was encoded after its issuance: drawing it is cheap.
        nonlocal done
        loaded = _certificates_of_jobs(chunk)
        render_certificates((loaded[pk] for pk in chunk), str(output))
        # The progress page reloads every 2 seconds, longer than a chunk takes: one UPDATE a chunk.
        done += len(chunk)
        PrintBatch.objects.filter(pk=batch.pk).update(done=done)

    if count == 1:
        path = folder / f"print-batch-{batch.pk}.pdf"
        draw(job_ids, path)
        return path
    path = folder / f"print-batch-{batch.pk}.zip"
    # A spent canvas and its pages are a web of reference cycles, which the cyclic collector frees
    # only when it next looks at the whole heap (rarely, in a large process). It is run after each
    # chunk, on what the batch made alone: the objects that existed before are frozen meanwhile, so
    # a collection costs a tenth of a millisecond instead of about 70.
    gc.freeze()
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:  # PDF pages are compressed
            for index, chunk in enumerate(_chunks(job_ids, size), start=1):
                part = folder / f"print-batch-{batch.pk}-{index:03d}-of-{count:03d}.pdf"
                draw(chunk, part)
                archive.write(part, part.name)
                part.unlink()
                gc.collect()
    finally:
        gc.unfreeze()
    return path


def _mark_printed(batch: PrintBatch, job_ids: list[int], *, at, roles: dict) -> None:
    """Mark a chunk of the batch's jobs printed, in a constant number of statements whatever its size.

    Locks the jobs still queued and still claimed by this batch, in pk order (as every batch
    does: two never deadlock); a job cancelled or taken meanwhile is left as it is. The state
    machine's `mark_printed` runs on each in memory, so its rules hold, with its log rows
    collected rather than written one by one. Every row gets the same values: one UPDATE for
    the chunk, then the log rows and their roles in two inserts (`fsm_log.logs_create`).
    """
    with batching.collecting() as transitions:
        jobs = list(
            PrintJob.objects.select_for_update()
            .only("pk", "state")
            .filter(pk__in=job_ids, state=PrintJob.State.QUEUED, batch=batch)
            .order_by("pk")
        )
        for job in jobs:
            job.mark_printed(by=batch.created_by, at=at, batch=batch)
    if not jobs:
        return
    PrintJob.objects.filter(pk__in=[job.pk for job in jobs]).update(
        state=PrintJob.State.PRINTED, printed_at=at, batch=batch
    )
    fsm_log.logs_create(transitions, roles=roles)
    batching.transitions_applied.send(sender=PrintJob, transitions=list(transitions))


def print_batch_run(*, batch_id: int) -> PrintBatch:
    """Print a batch (one PDF, or a ZIP of one PDF per chunk); mark its jobs printed only once the file is complete."""
    if not PrintBatch.objects.filter(pk=batch_id, status=PrintBatch.Status.PENDING).update(
        status=PrintBatch.Status.RUNNING
    ):
        return PrintBatch.objects.get(pk=batch_id)
    batch = PrintBatch.objects.select_related("created_by").get(pk=batch_id)
    # Claim the jobs still queued and in no other live batch. A batch still "running" after the
    # task's hard time limit died with its worker: its claim lapses.
    stale = timezone.now() - timedelta(seconds=STALE_AFTER_SECONDS)
    free = (
        Q(batch__isnull=True)
        | Q(batch__status=PrintBatch.Status.FAILED)
        | Q(batch__status=PrintBatch.Status.RUNNING, batch__created_at__lt=stale)
    )
    skipped = [
        certificate_out_of_force_reason(job.certificate)
        for job in PrintJob.objects.filter(pk__in=batch.job_ids, state=PrintJob.State.QUEUED)
        .exclude(certificate__status=Certificate.Status.VALID)
        .select_related("certificate")
    ]
    PrintJob.objects.filter(
        free, pk__in=batch.job_ids, state=PrintJob.State.QUEUED, certificate__status=Certificate.Status.VALID
    ).update(batch=batch)
    claimed = set(
        PrintJob.objects.filter(batch=batch, state=PrintJob.State.QUEUED).values_list("pk", flat=True).iterator()
    )
    ordered = [pk for pk in batch.job_ids if pk in claimed]
    # The batch's note lists the certificates left out for not being in force.
    PrintBatch.objects.filter(pk=batch.pk).update(total=len(ordered), error=" ".join(skipped)[:2000])
    if not ordered:
        PrintBatch.objects.filter(pk=batch.pk).update(
            status=PrintBatch.Status.FAILED,
            error=" ".join([_("None of these certificates is waiting to be printed any more."), *skipped])[:2000],
            finished_at=timezone.now(),
        )
        batch.refresh_from_db()
        return batch

    try:
        with tempfile.TemporaryDirectory() as folder:
            path = _print_batch_file(batch, ordered, Path(folder))
            with transaction.atomic():
                now = timezone.now()
                roles: dict = {}  # the operator's role in the transition log, read once for the batch
                for chunk in _chunks(ordered, settings.PRINT_BATCH_PAGES):
                    _mark_printed(batch, chunk, at=now, roles=roles)
                with path.open("rb") as handle:
                    batch.file.save(f"print-batch-{batch.pk}{path.suffix}", File(handle), save=False)
                PrintBatch.objects.filter(pk=batch.pk).update(
                    file=batch.file.name, done=len(ordered), status=PrintBatch.Status.DONE, finished_at=now
                )
    except Exception as error:
        logger.exception("Print batch %s failed", batch.pk)
        PrintJob.objects.filter(batch=batch, state=PrintJob.State.QUEUED).update(batch=None)
        PrintBatch.objects.filter(pk=batch.pk).update(
            status=PrintBatch.Status.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
    batch.refresh_from_db()
    return batch


def print_job_reprint(*, job_id: int, actor, reason: str) -> bytes:
    """Print one certificate again; the reason is required and logged. Returns its PDF."""
    if not actor.has_perm("licenses.operate_printing"):
        raise _refuse(_("Only the printing centre prints certificates."))
    if not reason.strip():
        raise _refuse(_("A reprint states its reason."))
    with transaction.atomic():
        job = PrintJob.objects.select_for_update(of=("self",)).select_related("certificate").get(pk=job_id)
        _require_in_force(job)
        if job.state != PrintJob.State.PRINTED:
            raise _refuse(
                _("Only a printed certificate still at the centre can be reprinted; this one is %(state)s.")
                % {"state": job.get_state_display()}
            )
        job.reprint(by=actor, at=timezone.now(), description=reason.strip())
        job.save()
    return certificate_pdf_bytes(job.certificate)


def _job_for_update(job_id: int) -> PrintJob:
    return (
        PrintJob.objects.select_for_update(of=("self",))
        .select_related("certificate", "certificate__certificate_type", "application", "application__applicant")
        .get(pk=job_id)
    )


def _step(job: PrintJob, name: str, actor, **kwargs) -> None:
    method = getattr(job, name)
    if not can_proceed(method):
        raise _refuse(
            _("This certificate is %(state)s: that step is not possible.") % {"state": job.get_state_display()}
        )
    if not has_transition_perm(method, actor):
        raise _refuse(_("Only the printing centre hands certificates over."))
    method(by=actor, **kwargs)
    job.save()


def _notify_holder(job: PrintJob, title: str) -> None:
    if job.certificate.holder_id:
        notification_send(user=job.certificate.holder, kind="certificate_delivery", title=title, link="/me/")


def _require_delivery(job: PrintJob, method: str) -> None:
    """Refuse a step that belongs to the other delivery method (courier jobs are sent, pickup jobs wait)."""
    if job.delivery_method != method:
        raise _refuse(
            _("%(number)s is to be received by “%(delivery)s”: that step is not for it.")
            % {"number": job.certificate.number, "delivery": job.get_delivery_method_display()}
        )


def print_job_dispatch(*, job_id: int, actor, courier: str, waybill: str) -> PrintJob:
    """Hand a printed certificate to the courier (free for the holder) and tell the holder the waybill."""
    courier, waybill = courier.strip(), waybill.strip()
    if not courier or not waybill:
        raise _refuse(_("Give the courier company and the waybill number."))
    with transaction.atomic():
        job = _job_for_update(job_id)
        _require_in_force(job)
        _require_delivery(job, PrintJob.Delivery.COURIER)
        _step(job, "dispatch", actor, at=timezone.now(), courier=courier, waybill=waybill)
        with translation.override(settings.LANGUAGE_CODE):  # the holder reads it, not the operator
            title = _("Your %(type)s has been sent: %(courier)s, waybill %(waybill)s") % {
                "type": job.certificate.certificate_type.name,
                "courier": courier,
                "waybill": waybill,
            }
        _notify_holder(job, title)
    return job


def print_job_deliver(*, job_id: int, actor) -> PrintJob:
    """Record that the courier delivered the certificate."""
    with transaction.atomic():
        job = _job_for_update(job_id)
        _step(job, "mark_delivered", actor, at=timezone.now())
    return job


def print_job_ready(*, job_id: int, actor) -> PrintJob:
    """Put a printed certificate at the hall's counter and tell the holder to collect it."""
    with transaction.atomic():
        job = _job_for_update(job_id)
        _require_in_force(job)
        _require_delivery(job, PrintJob.Delivery.PICKUP)
        _step(job, "make_ready", actor)
        with translation.override(settings.LANGUAGE_CODE):  # the holder reads it, not the operator
            title = _("Your %(type)s is ready for pickup at the hall; bring your ID card") % {
                "type": job.certificate.certificate_type.name
            }
        _notify_holder(job, title)
    return job


def allowed_collectors(job: PrintJob) -> set[str]:
    """Return the ID numbers that may collect: the holder's, the applicant's, and the authorised agent's."""
    allowed = {normalize_id_number(job.certificate.holder_id_number)}
    application = job.application or job.certificate.source_application
    if application is not None:
        allowed.add(normalize_id_number(application.applicant_id_number))
        if application.applicant.id_number:
            allowed.add(normalize_id_number(application.applicant.id_number))
        if application.agent_id_number:
            allowed.add(normalize_id_number(application.agent_id_number))
    return allowed - {""}


def print_job_collect(*, job_id: int, actor, collector_id_number: str) -> PrintJob:
    """Hand the certificate over at the counter, if the collector's ID number is the holder's or the applicant's."""
    number = normalize_id_number(collector_id_number)
    with transaction.atomic():
        job = _job_for_update(job_id)
        _require_in_force(job)
        if number not in allowed_collectors(job):
            raise _refuse(
                _(
                    "The ID number %(number)s is not the holder's, the applicant's or the authorised agent's: the "
                    "certificate cannot be handed over. Ask for one of their ID cards."
                )
                % {"number": number or "—"}
            )
        _step(job, "collect", actor, at=timezone.now(), collector_id_number=number)
    return job


def waybills_import(lines, *, actor) -> tuple[int, list[tuple[int, str]]]:
    """Dispatch from CSV lines `reference,courier,waybill` (application reference or certificate number).

    Good rows are applied one by one; bad rows are returned with their line number and reason.
    """
    applied, errors = 0, []
    for line, row in enumerate(csv.reader(lines), start=1):
        if line == 1 and row and row[0].strip().lower() == "reference":
            continue
        if len(row) != 3 or not all(cell.strip() for cell in row):
            errors.append((line, _("expected three values: reference, courier, waybill")))
            continue
        reference, courier, waybill = (cell.strip() for cell in row)
        # By the application (as the manifest writes it: a new version's job keeps its application), or the number.
        live = PrintJob.objects.exclude(state=PrintJob.State.CANCELLED)
        job = (
            live.filter(application__reference=reference).first() or live.filter(certificate__number=reference).first()
        )
        if job is None:
            errors.append((line, _("no certificate for %(reference)s") % {"reference": reference}))
            continue
        try:
            print_job_dispatch(job_id=job.pk, actor=actor, courier=courier, waybill=waybill)
            applied += 1
        except ActionRefused as refused:
            errors.append((line, refused.message))
    return applied, errors
