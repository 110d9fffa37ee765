"""Reads the printing centre's pages share: whose delivery details are shown in full, and the courier manifest."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.masking import mask_address, mask_mobile

from .models import PrintJob
from .services.printing import certificate_out_of_force_reason


@dataclass(frozen=True)
class Delivery:
    """The recipient of a print job as one user may see it."""

    name: str
    phone: str
    address: str
    full: bool


def print_job_delivery(job: PrintJob, user) -> Delivery:
    """Return the recipient, phone and address of a job: in full for the printing centre while it is still to send.

    Once the certificate has gone out (or when it is collected at the counter) the phone and
    the address are not needed any more, and they are masked; so they are for anyone outside
    the printing centre. Needs `job.application` loaded (select_related) to stay one query.
    """
    application = job.application
    if application is None:
        return Delivery(name="", phone="", address="", full=False)
    full = job.is_to_send and user.has_perm("licenses.operate_printing")
    phone, address = application.delivery_phone, application.delivery_address
    if not full:
        phone, address = mask_mobile(phone), mask_address(address)
    return Delivery(name=application.delivery_name, phone=phone, address=address, full=full)


def manifest_header() -> list[str]:
    """Return the courier manifest's header row, in the current language."""
    return [_("reference"), _("certificate number"), _("recipient"), _("recipient phone"), _("delivery address")]


def courier_manifest(jobs) -> tuple[list[list[str]], list[str]]:
    """Return the manifest rows of the jobs still to send by courier, and the numbers of the others left out.

    A row: application reference, certificate number, recipient, phone, address, in full (the
    courier's system needs them). Jobs already sent, collected at the counter, cancelled, or
    whose certificate is no longer in force are left out.
    """
    rows, left_out = [], []
    for job in jobs.select_related("certificate", "application").order_by("due_at", "id"):
        application = job.application
        if not job.is_to_send or certificate_out_of_force_reason(job.certificate) or application is None:
            left_out.append(job.certificate.number)
            continue
        rows.append(
            [
                application.reference,
                job.certificate.number,
                application.delivery_name,
                application.delivery_phone,
                application.delivery_address,
            ]
        )
    return rows, left_out
