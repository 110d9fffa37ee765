"""Intake by window clerks (受理): accept, one-time correction notice, reject; acceptance by law when late (Art. 32)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import roles
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import User
from portal.services import notification_send

from .. import clock
from ..models import (
    Application,
    ClockPause,
    CorrectionItem,
    CorrectionNotice,
    ServiceMaterial,
    State,
)
from .common import _decide, _lock, _notify_applicant, _transition

logger = logging.getLogger(__name__)


def _intake_is_late(application_id: int) -> bool:
    return Application.objects.filter(
        pk=application_id, state=State.SUBMITTED, intake_due_at__lt=timezone.now()
    ).exists()


# Lazy: shown in the language of whoever is refused, not the one of the process that imported it.
LATE_INTAKE = gettext_lazy(
    "The 5 working days for intake have passed: by law the application counts as accepted from the day it was "
    "received (Art. 32). Accept it, and raise any defect in the review."
)


def may_request_correction(application: Application, user: User) -> bool:
    """Return whether the user may send a correction notice: the first is the clerk's, a second round a supervisor's."""
    rounds = application.correction_notices.count()
    return user.has_perm("approvals.approve_second_correction" if rounds else "approvals.intake_application")


def application_request_correction(
    *, application_id: int, actor: User, items: list[tuple[ServiceMaterial | None, str, str]]
) -> CorrectionNotice:
    """Send back a submitted application with a one-time notice of everything to correct.

    ``items`` holds (material, field key, reason) triples, at least one; a field key names
    one of the item's extra fields. A second round needs the supervisor's permission and is
    flagged for supervision.
    """
    items = [(material, key, reason.strip()) for material, key, reason in items if reason.strip()]
    if not items:
        raise ActionRefused(_("A correction notice lists at least one material or field with its reason."))
    if _intake_is_late(application_id):
        raise ActionRefused(str(LATE_INTAKE))
    with transaction.atomic():
        application = _lock(application_id)
        rounds = application.correction_notices.count()
        if not rounds and not actor.has_perm("approvals.intake_application"):
            raise ActionRefused(_("You are not allowed to do this for this application."))
        if rounds and not actor.has_perm("approvals.approve_second_correction"):
            raise ActionRefused(
                _(
                    "This application has already had a correction notice; a second round needs the approval of "
                    "a supervisor (效能监察)."
                )
            )
        with translation.override(settings.LANGUAGE_CODE):  # the log is read by the applicant, in Chinese
            description = _("Correction notice no. %(n)d") % {"n": rounds + 1}
        application = _transition(application_id, actor, "request_correction", description=description)
        labels = {f["key"]: f["label"] for f in application.item.extra_fields}
        notice = CorrectionNotice.objects.create(
            application=application, round=rounds + 1, issued_by=actor, flagged_for_supervision=rounds > 0
        )
        CorrectionItem.objects.bulk_create(
            CorrectionItem(
                notice=notice,
                material=material,
                field_key=key,
                field_label=labels.get(key, key),
                reason=reason,
            )
            for material, key, reason in items
        )
        if rounds:
            application.flagged_for_supervision = True
        clock.clock_pause(application, kind=ClockPause.Kind.CORRECTION, reason=description, actor=actor)
        application.save()
        _notify_applicant(
            application,
            kind="correction",
            title=_("Your application %(reference)s needs corrections") % {"reference": application.reference},
            body="\n".join(f"- {labels.get(k, m.name if m else k)}: {r}" for m, k, r in items),
        )
    return notice


def application_accept(*, application_id: int, actor: User) -> Application:
    """Accept a submitted application (受理); after the intake deadline, as of the day it was received."""
    if _intake_is_late(application_id) and actor.has_perm("approvals.intake_application"):
        return application_auto_accept(application_id=application_id)
    return _decide(application_id, actor, "accept", title=_("Your application %(reference)s has been accepted"))


def application_reject(*, application_id: int, actor: User, reason: str) -> Application:
    """Refuse to accept a submitted application (不予受理), stating reasons and the legal remedy."""
    if _intake_is_late(application_id):
        raise ActionRefused(str(LATE_INTAKE))
    return _decide(
        application_id, actor, "reject", title=_("Your application %(reference)s was not accepted"), reason=reason
    )


def application_auto_accept(*, application_id: int) -> Application:
    """Accept by law an application whose intake deadline has passed (Art. 32); alert the clerks."""
    with transaction.atomic():
        application = _lock(application_id)
        now = timezone.now()
        if application.state != State.SUBMITTED or not application.intake_due_at or application.intake_due_at >= now:
            raise AlreadyHandled(_("This application is no longer waiting for intake."))
        with translation.override(settings.LANGUAGE_CODE):
            description = _(
                "Accepted automatically: not handled within 5 working days of receipt, so it counts as accepted "
                "from the day it was received (Administrative Licensing Law, Art. 32)."
            )
        application.auto_accept(by=None, description=description)
        clock.clock_on_accept(application, now)
        application.save()
        clock.raise_alert_if_due(application)
        _notify_applicant(
            application,
            kind="accept",
            title=_("Your application %(reference)s has been accepted") % {"reference": application.reference},
        )
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Accepted automatically after the intake deadline: %(reference)s") % {
                "reference": application.reference
            }
        for clerk in User.objects.filter(is_active=True, groups__name__in=[roles.CLERK, roles.SUPERVISOR]).distinct():
            notification_send(
                user=clerk,
                kind="auto_accepted",
                title=title,
                body=application.item.name,
                link=reverse("admin:approvals_application_change", args=[application.pk]),
            )
    return application


def application_accept_late_intake(application_id: int) -> str | None:
    """Accept by law when the intake deadline passed (the clock's handler); None if a clerk acted first."""
    try:
        return application_auto_accept(application_id=application_id).reference
    except ActionRefused:
        return None
