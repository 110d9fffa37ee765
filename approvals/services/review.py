"""Review by the department (审查): claim, suspend and resume the clock, extend once, approve, deny."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from licenses.services import certificate_issue_for, certificates_issue_for
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import User

from .. import clock
from ..disclosure.services import disclosure_record_decision, disclosure_record_decisions
from ..models import (
    Application,
    ClockPause,
)
from .common import _decide, _lock, _notify_applicant, _transition

logger = logging.getLogger(__name__)


def application_claim(*, application_id: int, actor: User) -> Application:
    """Take an accepted application of the reviewer's department into review."""
    with transaction.atomic():
        application = _transition(application_id, actor, "claim")
        application.save()
    return application


def application_suspend(*, application_id: int, actor: User, kind: str, reason: str, expected_days: int) -> ClockPause:
    """Suspend the clock for a hearing, testing, inspection, appraisal or expert review."""
    if (
        kind not in ClockPause.Kind.values
        or kind == ClockPause.Kind.CORRECTION
        or not reason.strip()
        or expected_days < 1
    ):
        raise ActionRefused(_("A suspension states its kind, its reason and the expected working days."))
    with transaction.atomic():
        application = _transition(application_id, actor, "suspend", description=reason.strip())
        pause = clock.clock_pause(
            application, kind=kind, reason=reason.strip(), actor=actor, expected_days=expected_days
        )
        application.save()
        _notify_applicant(
            application,
            kind="suspended",
            title=_("The time limit of your application %(reference)s is suspended")
            % {"reference": application.reference},
            body=_("%(kind)s: %(reason)s. Expected to take %(days)d working days; this time does not count.")
            % {"kind": pause.get_kind_display(), "reason": pause.reason, "days": expected_days},
        )
    return pause


def application_resume(*, application_id: int, actor: User) -> Application:
    """End a suspension: the clock runs again."""
    with transaction.atomic():
        application = _transition(application_id, actor, "resume")
        clock.clock_resume(application, actor=actor, now=timezone.now())
        application.save()
        clock.raise_alert_if_due(application)
        _notify_applicant(
            application,
            kind="resumed",
            title=_("The review of your application %(reference)s has resumed") % {"reference": application.reference},
        )
    return application


def application_extend(*, application_id: int, actor: User, reason: str, approved_by: str) -> Application:
    """Extend the decision deadline once by the item's extension days, with the reason and the approver."""
    if not reason.strip() or not approved_by.strip():
        raise ActionRefused(_("An extension states its reason and who approved it."))
    with transaction.atomic():
        application = _lock(application_id)
        if application.extended_at is not None:
            raise AlreadyHandled(_("This application has already been extended once; the law allows one extension."))
        days = application.item.extension_days
        if not days:
            raise ActionRefused(_("This item allows no extension of its time limit."))
        application = _transition(
            application_id,
            actor,
            "extend",
            at=timezone.now(),
            days=days,
            reason=reason.strip(),
            approved_by=approved_by.strip(),
            description=reason.strip(),
        )
        clock.clock_on_extend(application, days, timezone.now())
        application.save()
        _notify_applicant(
            application,
            kind="extended",
            title=_("The time limit of your application %(reference)s is extended by %(days)d working days")
            % {"reference": application.reference, "days": days},
            body=reason.strip(),
        )
    return application


def _issue_and_disclose(application: Application) -> None:
    # The one call approvals makes into licenses: the certificate and its print job, in the
    # same transaction as the decision (Art. 44); the decision's public record carries its number.
    certificate = certificate_issue_for(application)
    disclosure_record_decision(application=application, certificate=certificate)


def _issue_and_disclose_many(applications: list[Application]) -> dict:
    # The same for a batch approval, in bulk: {application pk: its certificate}.
    certificates = certificates_issue_for(applications)
    disclosure_record_decisions(applications=applications, certificates=certificates)
    return certificates


def _disclose(application: Application) -> None:
    disclosure_record_decision(application=application)


def application_approve(*, application_id: int, actor: User) -> Application:
    """Grant the permit (准予许可); the certificate is issued and the decision recorded for publication."""
    return _decide(
        application_id,
        actor,
        "approve",
        title=_("Your application %(reference)s has been approved"),
        then=_issue_and_disclose,
    )


def application_deny(*, application_id: int, actor: User, reason: str) -> Application:
    """Refuse the permit (不予许可), stating reasons and the legal remedy; the decision is recorded for publication."""
    return _decide(
        application_id,
        actor,
        "deny",
        title=_("Your application %(reference)s has been denied"),
        reason=reason,
        then=_disclose,
    )
