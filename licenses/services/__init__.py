"""Writes to the certificate database and the printing centre, one file per theme, re-exported here.

approvals calls ``certificate_issue_for`` (``certificates_issue_for`` for a batch) from here at approval
(the one import it may make into licenses, see pyproject.toml); views, the admin, tasks and commands call the rest.
"""

from .certificates import (
    certificate_correct,
    certificate_expire,
    certificate_for,
    certificate_issue_for,
    certificate_reinstate,
    certificate_renew,
    certificate_revoke,
    certificate_suspend,
    certificates_expire_and_remind,
    certificates_issue_for,
    printed_data,
)
from .imports import GENERATED_NUMBER, IMPORT_COLUMNS, ImportReport, certificates_import
from .printing import (
    allowed_collectors,
    certificate_out_of_force_reason,
    print_batch_create,
    print_batch_run,
    print_job_cancel,
    print_job_collect,
    print_job_create,
    print_job_deliver,
    print_job_dispatch,
    print_job_ready,
    print_job_reprint,
    print_jobs_create,
    waybills_import,
)
from .qr_codes import certificates_qr_store, certificates_store_qr
from .sharing import (
    certificate_for_verification,
    certificate_verify,
    certificates_search,
    certificates_standing_in,
    verification_record,
)

__all__ = [
    "GENERATED_NUMBER",
    "IMPORT_COLUMNS",
    "ImportReport",
    "allowed_collectors",
    "certificate_correct",
    "certificate_expire",
    "certificate_for",
    "certificate_issue_for",
    "certificate_out_of_force_reason",
    "certificate_reinstate",
    "certificate_renew",
    "certificate_revoke",
    "certificate_suspend",
    "certificates_expire_and_remind",
    "certificates_import",
    "certificates_issue_for",
    "certificates_search",
    "certificates_standing_in",
    "certificates_qr_store",
    "certificates_store_qr",
    "print_batch_create",
    "print_batch_run",
    "print_job_cancel",
    "print_job_collect",
    "print_job_create",
    "print_job_deliver",
    "print_job_dispatch",
    "print_job_ready",
    "print_job_reprint",
    "print_jobs_create",
    "printed_data",
    "verification_record",
    "certificate_for_verification",
    "certificate_verify",
    "waybills_import",
]
