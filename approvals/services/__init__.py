"""Every write to applications goes through these services, whoever calls them (view, admin, task, command).

One module per stage of an application's life: drafting (the applicant), intake (window
clerks), review (department reviewers), walk-in filing and batch approval. They are
re-exported here, so callers write ``services.application_accept(...)``.
"""

from .batch import (
    BatchClaimOutcome,
    BatchPreview,
    batch_claim,
    batch_job_create,
    batch_job_resume,
    batch_job_run,
    batch_preview,
    batch_refusal,
)
from .drafting import (
    ApplicationIncomplete,
    DraftData,
    SaveOutcome,
    application_add_file,
    application_add_uploads,
    application_find_by_draft_reference,
    application_missing,
    application_remove_file,
    application_save,
    application_start,
    application_submit,
    application_update,
    application_withdraw,
    default_delivery,
)
from .housekeeping import DraftsPurgeOutcome, drafts_notify_before_purge, drafts_purge
from .intake import (
    LATE_INTAKE,
    application_accept,
    application_accept_late_intake,
    application_auto_accept,
    application_reject,
    application_request_correction,
    may_request_correction,
)
from .review import (
    application_approve,
    application_claim,
    application_deny,
    application_extend,
    application_resume,
    application_suspend,
)
from .walk_in import application_start_walk_in, walk_in_applicant

__all__ = [
    "LATE_INTAKE",
    "ApplicationIncomplete",
    "BatchClaimOutcome",
    "BatchPreview",
    "DraftData",
    "DraftsPurgeOutcome",
    "SaveOutcome",
    "application_accept",
    "application_accept_late_intake",
    "application_add_file",
    "application_add_uploads",
    "application_approve",
    "application_auto_accept",
    "application_claim",
    "application_deny",
    "application_extend",
    "application_find_by_draft_reference",
    "application_missing",
    "application_reject",
    "application_remove_file",
    "application_save",
    "application_request_correction",
    "application_resume",
    "application_start",
    "application_start_walk_in",
    "application_submit",
    "application_suspend",
    "application_update",
    "application_withdraw",
    "batch_claim",
    "batch_job_create",
    "batch_job_resume",
    "batch_job_run",
    "batch_preview",
    "batch_refusal",
    "default_delivery",
    "drafts_notify_before_purge",
    "drafts_purge",
    "may_request_correction",
    "walk_in_applicant",
]
