"""Batch approval by a reviewer: one transaction per application, resumable, run in a worker when large."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import ActionRefused, AlreadyHandled
from portal.models import User

# approvals.tasks imports this package too; each only uses the other's names at call time.
from .. import tasks
from ..models import (
    Application,
    BatchJob,
    BatchJobItem,
)
from .review import application_approve

logger = logging.getLogger(__name__)


def batch_job_create(*, actor: User, application_ids: list[int]) -> BatchJob:
    """Record a batch approval of the given applications by a reviewer."""
    if not actor.has_perm("approvals.review_application") or not actor.department_id:
        raise ActionRefused(_("Only reviewers of a department approve in batches."))
    ids = list(dict.fromkeys(int(pk) for pk in application_ids))
    return BatchJob.objects.create(
        created_by=actor, department_id=actor.department_id, application_ids=ids, total=len(ids)
    )


def batch_job_resume(*, job_id: int, actor: User) -> BatchJob:
    """Queue an unfinished batch approval to run again from where it stopped (e.g. after its worker died).

    Who may: a reviewer (the review permission) who started the batch or works in its
    department, so a colleague can take over; a superuser, for operations, as the admin
    allowed before. Supervisors see every batch but take no decisions, so they do not
    resume one. The run still approves in the name of the reviewer who started it and
    skips what this batch already handled, so resuming a batch that is in fact still
    running approves nothing twice.
    """
    with transaction.atomic():
        job = BatchJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise AlreadyHandled(_("This batch no longer exists."))
        allowed = actor.is_superuser or (
            actor.has_perm("approvals.review_application")
            and (actor.pk == job.created_by_id or actor.department_id == job.department_id)
        )
        if not allowed:
            raise ActionRefused(_("Only reviewers of the department that started this batch can resume it."))
        if job.status == BatchJob.Status.DONE:
            raise AlreadyHandled(
                _("This batch has already finished: %(done)d approved, %(skipped)d skipped.")
                % {"done": job.done, "skipped": job.failed}
            )
        job.status = BatchJob.Status.PENDING
        job.save(update_fields=["status"])
        transaction.on_commit(lambda: tasks.batch_approve_run.delay(job.pk))
    return job


def _batch_approve_one(job: BatchJob, application_id: int) -> None:
    """Approve one application of a batch and record the outcome in the same transaction."""
    try:
        with transaction.atomic():
            application_approve(application_id=application_id, actor=job.created_by)
            BatchJobItem.objects.create(job=job, application_id=application_id, approved=True)
            BatchJob.objects.filter(pk=job.pk).update(done=F("done") + 1)
    except Exception as error:  # one bad application must not stop the batch
        message = getattr(error, "message", None)
        if message is None:
            logger.exception("Batch %s: approving application %s failed", job.pk, application_id)
            message = str(_("Could not be approved because of an internal error; please approve it on its own."))
        with transaction.atomic():
            _item, created = BatchJobItem.objects.get_or_create(
                job=job, application_id=application_id, defaults={"approved": False, "message": message[:300]}
            )
            if created:
                BatchJob.objects.filter(pk=job.pk).update(failed=F("failed") + 1)


def batch_job_run(*, job_id: int) -> BatchJob:
    """Run (or resume) a batch approval: applications already handled by this job are skipped."""
    claimed = BatchJob.objects.filter(pk=job_id).exclude(status=BatchJob.Status.DONE)
    if not claimed.update(status=BatchJob.Status.RUNNING):
        return BatchJob.objects.get(pk=job_id)
    job = BatchJob.objects.select_related("created_by").get(pk=job_id)
    handled = set(job.items.values_list("application_id", flat=True))
    existing = set(Application.objects.filter(pk__in=job.application_ids).values_list("pk", flat=True))
    for application_id in job.application_ids:
        if application_id in handled:
            continue
        if application_id not in existing:
            # Deleted since it was selected: nothing to record an outcome against.
            BatchJob.objects.filter(pk=job.pk).update(failed=F("failed") + 1)
            continue
        _batch_approve_one(job, application_id)
    BatchJob.objects.filter(pk=job.pk).update(status=BatchJob.Status.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job
