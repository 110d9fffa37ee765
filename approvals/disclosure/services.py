"""Writes of the disclosure: a record per decision and certificate change, and its publication.

Called inside the transaction of the decision (approvals' approve and deny, single or batch) and of
the certificate's status change (licenses, which may import this module but not approvals.services).
Publication is immediate when allowed:

- **published**: on the public page from ``published_at``;
- **withheld**: the item touches a state secret, a commercial secret or personal privacy (Art. 5,
  ``ServiceItem.disclosure_exemption``); never public, shown to supervisors with the reason;
- **pending**: not public yet because the holder's public data is incomplete (an enterprise without a
  valid credit code, a holder without a name). The publication clock runs; the daily retry
  (``disclosure_publish_pending``) publishes it once the data is right, and the supervisors are
  alerted once if it is still pending past its deadline.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from portal.clock import deadlines
from portal.validators import normalize_credit_code

from ..models import Application
from . import clock
from .models import PublishedDecision

logger = logging.getLogger(__name__)

Decision = PublishedDecision.Decision
PublicationState = PublishedDecision.State
HolderKind = PublishedDecision.HolderKind

# Certificate statuses the public is told of with a record of their own.
CHANGES_PUBLISHED = {"revoked": Decision.REVOKED, "suspended": Decision.SUSPENDED, "expired": Decision.EXPIRED}


def mask_person(name: str) -> str:
    """Return a natural person's name as published: the first character and one star (张*), whatever its length."""
    name = (name or "").strip()
    return f"{name[0]}*" if name else ""


def public_holder(*, enterprise: bool, name: str, number: str) -> tuple[str, str, str]:
    """Return (holder kind, published name, credit code): an enterprise in full, a person masked, no ID number."""
    if enterprise:
        return HolderKind.ENTERPRISE, (name or "").strip(), normalize_credit_code(number)
    return HolderKind.PERSON, mask_person(name), ""


def _holder_of_application(application: Application) -> tuple[str, str, str]:
    return public_holder(
        enterprise=application.applicant_kind == "enterprise",
        name=application.applicant_name,
        number=application.applicant_id_number,
    )


def _problem(record: PublishedDecision) -> str:
    """Return why the record cannot be published yet, or "" when it can."""
    if not record.holder_name:
        return _("The holder has no name to publish.")
    if record.holder_kind == HolderKind.ENTERPRISE and not uscc.is_valid(record.credit_code):
        return _("The enterprise's unified social credit code is missing or invalid.")
    return ""


def _publish(record: PublishedDecision, *, now: datetime) -> None:
    """Publish, withhold or leave pending a record (not saved)."""
    exemption = record.item.disclosure_exemption if record.item_id else ""
    if exemption:
        record.state = PublicationState.WITHHELD
        record.withheld_reason = exemption
        record.problem = ""
        clock.clock_stop(record)
        return
    record.problem = _problem(record)
    if record.problem:
        record.state = PublicationState.PENDING
        clock.clock_start(record, now=now)
        return
    record.state = PublicationState.PUBLISHED
    record.published_at = now
    clock.clock_stop(record)


def _prepare_new(record: PublishedDecision, *, now: datetime, due: dict | None = None) -> None:
    """Set a new record's publication deadline and state; `due` memoises the deadline by day across a batch."""
    due = {} if due is None else due
    day = deadlines.day_of(record.decided_at)
    if day not in due:
        due[day] = clock.publish_due(record.decided_at)
    record.publish_due_at = due[day]
    _publish(record, now=now)


def _save_new(record: PublishedDecision, *, now: datetime) -> PublishedDecision:
    _prepare_new(record, now=now)
    record.save()
    clock.raise_alert_if_due(record)
    return record


def _decision_record(application: Application, certificate=None, *, now: datetime) -> PublishedDecision:
    """Return the unsaved record of the decision just taken on an application, ready to publish."""
    kind, name, code = _holder_of_application(application)
    record = PublishedDecision(
        decision=Decision.APPROVED if application.state == "approved" else Decision.DENIED,
        application=application,
        item=application.item,
        department_id=application.department_id,
        decided_at=application.decided_at or now,
        holder_kind=kind,
        holder_name=name,
        credit_code=code,
    )
    if certificate is not None:
        record.certificate_id = certificate.pk
        record.certificate_number = certificate.number
        record.certificate_valid_from = certificate.valid_from
        record.certificate_valid_until = certificate.valid_until
        record.certificate_status = certificate.status
    return record


def disclosure_record_decision(*, application: Application, certificate=None) -> PublishedDecision:
    """Record (and publish when allowed) the decision just taken on an approved or denied application, once.

    `certificate` is the certificate issued at approval (licenses' ``certificate_issue_for``), or None.
    """
    decision = Decision.APPROVED if application.state == "approved" else Decision.DENIED
    existing = PublishedDecision.objects.filter(application=application, decision=decision).first()
    if existing is not None:
        return existing  # an approval replayed after a crash records nothing twice
    now = timezone.now()
    return _save_new(_decision_record(application, certificate, now=now), now=now)


def disclosure_record_decisions(*, applications: list[Application], certificates: dict) -> list[PublishedDecision]:
    """Record the decisions a batch has just taken as disclosure_record_decision does: one look-up, one insert.

    `certificates` maps an application's pk to the certificate issued at its approval (none: not in it).
    """
    recorded = set(
        PublishedDecision.objects.filter(
            application__in=applications, decision__in=(Decision.APPROVED, Decision.DENIED)
        ).values_list("application_id", "decision")
    )
    now = timezone.now()
    records = [_decision_record(application, certificates.get(application.pk), now=now) for application in applications]
    records = [record for record in records if (record.application_id, record.decision) not in recorded]
    due: dict = {}
    for record in records:
        _prepare_new(record, now=now, due=due)
    PublishedDecision.objects.bulk_create(records)
    for record in records:
        clock.raise_alert_if_due(record)
    return records


def disclosure_certificate_changed(*, certificate, at: datetime | None = None) -> PublishedDecision | None:
    """Show a certificate's new status on its decision's record; record a revocation, suspension or expiry.

    `certificate` is a licenses ``Certificate`` just saved with its new status. Returns the new
    record of the change, or None for a status the public is not told of separately (reinstated).
    """
    now = timezone.now()
    at = at or now
    PublishedDecision.objects.filter(certificate_id=certificate.pk, decision=Decision.APPROVED).update(
        certificate_status=certificate.status
    )
    decision = CHANGES_PUBLISHED.get(certificate.status)
    if decision is None:
        return None
    origin = PublishedDecision.objects.filter(certificate_id=certificate.pk, decision=Decision.APPROVED).first()
    record = PublishedDecision(
        decision=decision,
        decided_at=at,
        department_id=certificate.department_id,
        certificate_id=certificate.pk,
        certificate_number=certificate.number,
        certificate_valid_from=certificate.valid_from,
        certificate_valid_until=certificate.valid_until,
        certificate_status=certificate.status,
    )
    if origin is not None:
        record.application_id, record.item_id = origin.application_id, origin.item_id
        record.holder_kind, record.holder_name, record.credit_code = (
            origin.holder_kind,
            origin.holder_name,
            origin.credit_code,
        )
    else:  # an imported certificate, or one issued before disclosure existed
        application = certificate.source_application
        if application is not None:
            record.application_id, record.item_id = application.pk, application.item_id
            record.holder_kind, record.holder_name, record.credit_code = _holder_of_application(application)
        else:
            number = certificate.holder_id_number or ""
            record.holder_kind, record.holder_name, record.credit_code = public_holder(
                enterprise=uscc.is_valid(normalize_credit_code(number)), name=certificate.holder_name, number=number
            )
    return _save_new(record, now=now)


def disclosure_certificate_replaced(*, old, new) -> int:
    """Point the records of a certificate replaced by a new version (correction, renewal) at the new one.

    Returns how many records now show the new number, validity and status.
    """
    return PublishedDecision.objects.filter(certificate_id=old.pk, decision=Decision.APPROVED).update(
        certificate_id=new.pk,
        certificate_number=new.number,
        certificate_valid_from=new.valid_from,
        certificate_valid_until=new.valid_until,
        certificate_status=new.status,
    )


def disclosure_publish(*, record_id: int) -> PublishedDecision:
    """Try again to publish a pending record, with the holder's data read afresh from its application."""
    with transaction.atomic():
        record = PublishedDecision.objects.select_for_update(of=("self",)).select_related("item").get(pk=record_id)
        if record.state != PublicationState.PENDING:
            return record
        if record.application_id is not None:
            application = Application.objects.get(pk=record.application_id)
            record.holder_kind, record.holder_name, record.credit_code = _holder_of_application(application)
        _publish(record, now=timezone.now())
        record.save()
    return record


def disclosure_publish_pending() -> int:
    """Retry every pending record (the daily task); return how many were published or withheld now."""
    pending = PublishedDecision.objects.filter(state=PublicationState.PENDING).values_list("pk", flat=True)
    done = 0
    for pk in list(pending):
        try:
            done += disclosure_publish(record_id=pk).state != PublicationState.PENDING
        except Exception:  # one bad record must not stop the others; its clock still alerts
            logger.exception("Disclosure: publishing record %s failed", pk)
    return done


def disclosure_realign_demo(*, record: PublishedDecision, decided_at: datetime, certificate=None) -> None:
    """Move a demo record to its application's backdated decision (demo data only: see disclosure/demo.py).

    The certificate's validity moves as licenses' demo loader moves it: by the days between its
    issuance ("now") and the backdated decision.
    """
    record.decided_at = decided_at
    record.publish_due_at = clock.publish_due(decided_at)
    if record.published_at is not None:
        record.published_at = decided_at + timedelta(minutes=1)
    if certificate is not None:
        shift = timezone.localdate(certificate.issued_at) - timezone.localdate(decided_at)
        record.certificate_valid_from = certificate.valid_from - shift
        record.certificate_valid_until = certificate.valid_until - shift if certificate.valid_until else None
    if record.state == PublicationState.PENDING:
        clock.clock_start(record, now=timezone.now())
    record.save()
