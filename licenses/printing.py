"""The printing centre's services: batch printing into one PDF, reprints.

A batch first claims its queued jobs (so two batches never print the same job), draws
every certificate into a temporary file, and only when the file is complete marks the
jobs printed, in one transaction. A batch that fails half-way releases its claim and
marks nothing printed.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PrintBatch, PrintJob
from .pdf import certificate_pdf_bytes, render_certificates

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 25


def _refuse(message: str):
    from approvals.services import ActionRefused

    return ActionRefused(message)


def print_batch_create(*, actor, job_ids: list[int]) -> PrintBatch:
    """Record a batch of print jobs chosen by a print operator."""
    if not actor.has_perm("licenses.operate_printing"):
        raise _refuse(_("Only the printing centre prints certificates."))
    ids = list(dict.fromkeys(int(pk) for pk in job_ids))
    return PrintBatch.objects.create(created_by=actor, job_ids=ids, total=len(ids))


def print_batch_run(*, batch_id: int) -> PrintBatch:
    """Print a batch into one PDF; mark its jobs printed only once the PDF is complete."""
    if not PrintBatch.objects.filter(pk=batch_id, status=PrintBatch.Status.PENDING).update(
        status=PrintBatch.Status.RUNNING
    ):
        return PrintBatch.objects.get(pk=batch_id)
    batch = PrintBatch.objects.select_related("created_by").get(pk=batch_id)
    # Claim the jobs still queued and in no other batch.
    PrintJob.objects.filter(pk__in=batch.job_ids, state=PrintJob.State.QUEUED, batch__isnull=True).update(batch=batch)
    claimed = {
        job.pk: job
        for job in PrintJob.objects.filter(batch=batch, state=PrintJob.State.QUEUED).select_related(
            "certificate", "certificate__certificate_type", "certificate__department"
        )
    }
    ordered = [claimed[pk] for pk in batch.job_ids if pk in claimed]
    PrintBatch.objects.filter(pk=batch.pk).update(total=len(ordered))

    def certificates():
        for index, job in enumerate(ordered, start=1):
            yield job.certificate
            if index % PROGRESS_EVERY == 0:
                PrintBatch.objects.filter(pk=batch.pk).update(done=index)

    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"batch-{batch.pk}.pdf"
            render_certificates(certificates(), str(path))
            with transaction.atomic():
                now = timezone.now()
                for job in PrintJob.objects.select_for_update().filter(pk__in=[j.pk for j in ordered]):
                    job.mark_printed(by=batch.created_by, at=now, batch=batch)
                    job.save()
                with path.open("rb") as handle:
                    batch.file.save(f"print-batch-{batch.pk}.pdf", File(handle), save=False)
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
    if not reason.strip():
        raise _refuse(_("A reprint states its reason."))
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().select_related("certificate").get(pk=job_id)
        if job.state != PrintJob.State.PRINTED:
            raise _refuse(
                _("Only a printed certificate still at the centre can be reprinted; this one is %(state)s.")
                % {"state": job.get_state_display()}
            )
        job.reprint(by=actor, at=timezone.now(), description=reason.strip())
        job.save()
    return certificate_pdf_bytes(job.certificate)
