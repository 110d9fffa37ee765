"""Batch claim and batch approval by a reviewer, resumable, run in a worker when large.

A batch approval runs in chunks of BATCH_APPROVE_CHUNK applications, each in one transaction:
the chunk's rows are locked, the transitions applied in memory, and the rows, transition log,
certificates with their history, print jobs, public records, rating invitations and
notifications written in bulk. If anything in a chunk fails, the chunk is rolled back and
redone one application per transaction, so each application still succeeds or fails alone.

Why an application is skipped is decided in one place, ``batch_refusal``: the confirmation page
(``batch_preview``) shows it before anything runs, and the run asks it again under the row lock,
so the reason the reviewer reads is the reason the run applies.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from portal.clock import deadlines
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import Notification, User
from portal.roles import ROLE_LABELS
from portal.services import notifications_send

# approvals.tasks imports this package too; each only uses the other's names at call time.
from .. import batching, clock, fsm_log, tasks
from ..models import (
    Application,
    BatchJob,
    BatchJobItem,
    State,
)
from .common import _lock
from .review import _issue_and_disclose_many, application_approve, application_claim

logger = logging.getLogger(__name__)

# Applications approved per transaction by a batch job (a failing chunk is redone one by one).
BATCH_APPROVE_CHUNK = 200
# What claim, approve and the clock's stop change on an application (the chunk's one UPDATE writes them).
CHANGED_ON_APPROVAL = ("state", "handler_id", "decided_at", "current_due_at", "updated_at")

APPROVE = "approve"
CLAIM = "claim"


def _holder(user: User) -> str:
    """Return "role name" of the member of staff who holds an application (uses prefetched groups)."""
    names = {group.name for group in user.groups.all()}
    role = next((label for name, label in ROLE_LABELS.items() if name in names), _("staff member"))
    return f"{role} {user.display_name or user.username}"


def batch_refusal(application: Application, actor: User, *, step: str, today: date) -> str | None:
    """Return why a batch claim or approval by `actor` skips this application, or None when it goes ahead.

    `step` is CLAIM (accepted applications only) or APPROVE (accepted ones, claimed on the way,
    and the ones under review that `actor` holds). A batch approval also leaves a case past its
    statutory deadline (Art. 42) to be decided on its own. The handler's groups should be
    prefetched when this runs over a list.
    """
    if application.department_id != actor.department_id:
        return _("It belongs to %(department)s, not to your department.") % {"department": application.department.name}
    held_by_other = application.handler_id is not None and application.handler_id != actor.pk
    if application.state in (State.IN_REVIEW, State.SUSPENDED) and held_by_other:
        return _("Held by %(holder)s.") % {"holder": _holder(application.handler)}
    if step == CLAIM and application.state != State.ACCEPTED:
        if application.state == State.IN_REVIEW and application.handler_id == actor.pk:
            return _("You already hold it.")
        return _("It is %(state)s: only accepted applications can be claimed.") % {
            "state": application.get_state_display()
        }
    if step == APPROVE and application.state not in (State.ACCEPTED, State.IN_REVIEW):
        return _("It is %(state)s: a batch approves only accepted applications and the ones under review you hold.") % {
            "state": application.get_state_display()
        }
    due = application.statutory_due_at
    if step == APPROVE and due is not None and today > deadlines.day_of(due):
        return _("Its statutory deadline (%(day)s) has passed: decide it on its own.") % {
            "day": deadlines.day_of(due).isoformat()
        }
    first = application.claim if application.state == State.ACCEPTED else application.approve
    if not has_transition_perm(first, actor):
        return _("You are not allowed to do this for this application.")
    return None


def _with_refusals(found: dict[int, Application], ids: list[int], actor: User, *, step: str, today: date):
    """Yield each selected application found, in the order of the selection, with why the batch skips it (or None)."""
    for pk in ids:
        application = found.get(pk)
        if application is not None:
            yield application, batch_refusal(application, actor, step=step, today=today)


@dataclass
class BatchPreview:
    """What a batch will do with a selection, before it runs."""

    ready: list[Application] = field(default_factory=list)
    skipped: list[tuple[Application, str]] = field(default_factory=list)

    @property
    def to_claim(self) -> int:
        """Return how many of the ready applications are claimed on the way."""
        return sum(1 for application in self.ready if application.state == State.ACCEPTED)


def batch_preview(*, actor: User, application_ids: list[int], step: str = APPROVE) -> BatchPreview:
    """Return which applications a batch claim or approval will handle and why it skips the others.

    Two queries whatever the selection's size (three when some are held by someone).
    """
    ids = list(dict.fromkeys(int(pk) for pk in application_ids))
    found = (
        Application.objects.filter(pk__in=ids)
        .select_related("department", "handler")
        .prefetch_related("handler__groups")
        .in_bulk()
    )
    preview = BatchPreview()
    for application, reason in _with_refusals(found, ids, actor, step=step, today=deadlines.day_of(timezone.now())):
        if reason is None:
            preview.ready.append(application)
        else:
            preview.skipped.append((application, reason))
    return preview


def _check_reviewer(actor: User) -> None:
    if not actor.has_perm("approvals.review_application") or not actor.department_id:
        raise ActionRefused(_("Only reviewers of a department approve in batches."))


def _lock_checked(application_id: int, actor: User, step: str) -> Application:
    """Lock the application and refuse with the batch's reason, if it has one."""
    application = _lock(application_id)
    reason = batch_refusal(application, actor, step=step, today=deadlines.day_of(timezone.now()))
    if reason is not None:
        raise ActionRefused(reason)
    return application


@dataclass
class BatchClaimOutcome:
    """The result of a batch claim: the references claimed, and the ones skipped with their reason."""

    claimed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def batch_claim(*, actor: User, application_ids: list[int]) -> BatchClaimOutcome:
    """Claim the selected accepted applications of the reviewer's department, each in its own transaction."""
    _check_reviewer(actor)
    outcome = BatchClaimOutcome()
    references = dict(Application.objects.filter(pk__in=application_ids).values_list("pk", "reference"))
    for pk in dict.fromkeys(int(pk) for pk in application_ids):
        if pk not in references:
            continue
        try:
            with transaction.atomic():
                _lock_checked(pk, actor, CLAIM)
                application_claim(application_id=pk, actor=actor)
        except ActionRefused as refused:
            outcome.skipped.append((references[pk], refused.message))
        except Exception:  # one bad application must not stop the others
            logger.exception("Batch claim: claiming application %s failed", pk)
            outcome.skipped.append(
                (references[pk], _("Could not be claimed because of an internal error; please claim it on its own."))
            )
        else:
            outcome.claimed.append(references[pk])
    return outcome


def batch_job_create(*, actor: User, application_ids: list[int]) -> BatchJob:
    """Record a batch approval of the given applications by a reviewer."""
    _check_reviewer(actor)
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
    """Claim (when accepted) and approve one application of a batch, and record the outcome, in one transaction."""
    try:
        with transaction.atomic():
            application = _lock_checked(application_id, job.created_by, APPROVE)
            if application.state == State.ACCEPTED:
                application_claim(application_id=application_id, actor=job.created_by)
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


def _record_outcomes(job: BatchJob, outcomes: dict[int, str | None]) -> None:
    """Record the outcome of each application of a chunk ({pk: None when approved, else why not}) and count them."""
    BatchJobItem.objects.bulk_create(
        [
            BatchJobItem(job=job, application_id=pk, approved=reason is None, message=(reason or "")[:300])
            for pk, reason in outcomes.items()
        ]
    )
    approved = sum(1 for reason in outcomes.values() if reason is None)
    BatchJob.objects.filter(pk=job.pk).update(
        done=F("done") + approved, failed=F("failed") + (len(outcomes) - approved)
    )


def _batch_approve_chunk(job: BatchJob, application_ids: list[int], *, roles: dict) -> list[int]:
    """Claim (when accepted) and approve a chunk of applications in one transaction; return the ids it left alone.

    Does for each application what application_claim and application_approve do, with the writes in
    bulk: a constant number of statements for the chunk. Anything that raises rolls the whole chunk back.
    """
    actor = job.created_by
    with transaction.atomic(), batching.collecting() as transitions:
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("item", "department", "handler", "applicant")
            .prefetch_related("handler__groups")
            .filter(pk__in=application_ids)
            .order_by("pk")  # the same lock order in every batch: two batches never deadlock
            .in_bulk()
        )
        now = timezone.now()
        today = deadlines.day_of(now)
        outcomes: dict[int, str | None] = {}
        approved = []
        for application, reason in _with_refusals(locked, application_ids, actor, step=APPROVE, today=today):
            if reason is None:
                if application.state == State.ACCEPTED:
                    application.claim(by=actor)
                application.approve(by=actor, at=now)
                clock.clock_stop(application)
                application.updated_at = now
                approved.append(application)
            outcomes[application.pk] = reason
        if approved:
            # The transitions set the same values on every row (the actor holds and approves each at
            # `now`, its clock stopped): one UPDATE for the chunk, not one CASE per row and field.
            values = {field: getattr(approved[0], field) for field in CHANGED_ON_APPROVAL}
            if any(getattr(application, field) != values[field] for application in approved for field in values):
                raise RuntimeError("The approvals of a chunk differ: redo it one by one.")
            Application.objects.filter(pk__in=[application.pk for application in approved]).update(**values)
            fsm_log.logs_create(transitions, roles=roles)
            batching.transitions_applied.send(sender=Application, transitions=list(transitions))
            _issue_and_disclose_many(approved)
            for application in approved:
                clock.raise_alert_if_due(application)
            notifications_send(
                [
                    Notification(
                        user=application.applicant,
                        kind="approve",
                        title=_("Your application %(reference)s has been approved")
                        % {"reference": application.reference},
                        link=application.get_absolute_url(),
                    )
                    for application in approved
                ]
            )
        _record_outcomes(job, outcomes)
    return [pk for pk in application_ids if pk not in locked]


def batch_job_run(*, job_id: int) -> BatchJob:
    """Run (or resume) a batch approval in chunks: applications already handled by this job are skipped."""
    claimed = BatchJob.objects.filter(pk=job_id).exclude(status=BatchJob.Status.DONE)
    if not claimed.update(status=BatchJob.Status.RUNNING):
        return BatchJob.objects.get(pk=job_id)
    job = BatchJob.objects.select_related("created_by").get(pk=job_id)
    handled = set(job.items.values_list("application_id", flat=True))
    pending = [pk for pk in job.application_ids if pk not in handled]
    roles: dict = {}  # the actor's role in the transition log, read once for the whole batch
    gone = 0
    for start in range(0, len(pending), BATCH_APPROVE_CHUNK):
        chunk = pending[start : start + BATCH_APPROVE_CHUNK]
        try:
            gone += len(_batch_approve_chunk(job, chunk, roles=roles))
        except Exception:  # redo the chunk one by one: each application succeeds or fails alone
            logger.warning("Batch %s: a chunk failed, approving its applications one by one", job.pk, exc_info=True)
            existing = set(Application.objects.filter(pk__in=chunk).values_list("pk", flat=True))
            gone += len(chunk) - len(existing)
            for application_id in chunk:
                if application_id in existing:
                    _batch_approve_one(job, application_id)
    if gone:
        # Deleted since they were selected: nothing to record an outcome against.
        BatchJob.objects.filter(pk=job.pk).update(failed=F("failed") + gone)
    BatchJob.objects.filter(pk=job.pk).update(status=BatchJob.Status.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job
