"""The steps every application service shares: lock, check, transition, decide, tell the applicant."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from portal.errors import ActionRefused, AlreadyHandled
from portal.models import User
from portal.services import notification_send

from .. import clock
from ..models import (
    Application,
)

logger = logging.getLogger(__name__)


def _lock(application_id: int) -> Application:
    return Application.objects.select_for_update().select_related("item").get(pk=application_id)


def _notify_applicant(application: Application, *, kind: str, title: str, body: str = "") -> None:
    notification_send(
        user=application.applicant, kind=kind, title=title, body=body, link=application.get_absolute_url()
    )


def _already_handled(application: Application) -> AlreadyHandled:
    return AlreadyHandled(
        _("This application was already handled by someone else: it is now %(state)s.")
        % {"state": application.get_state_display()}
    )


def _transition(application_id: int, actor: User, name: str, **kwargs) -> Application:
    """Lock the application, check state and permission, and run one transition (not saved yet)."""
    application = _lock(application_id)
    method = getattr(application, name)
    if not can_proceed(method, check_conditions=False):
        raise _already_handled(application)
    if not has_transition_perm(method, actor):
        if not can_proceed(method):
            raise ActionRefused(_("This step is not possible for this application any more."))
        raise ActionRefused(_("You are not allowed to do this for this application."))
    method(by=actor, **kwargs)
    return application


def _decide(application_id: int, actor: User, name: str, *, title, reason: str | None = None, then=None) -> Application:
    """Run a transition that decides something and tell the applicant about it.

    ``then(application)`` runs after the save, in the same transaction (approval issues the certificate).
    """
    if reason is not None and not reason.strip():
        raise ActionRefused(
            _("A rejection states its reasons.") if name == "reject" else _("A denial states its reasons.")
        )
    extra = {"reason": reason.strip()} if reason is not None else {}
    with transaction.atomic():
        now = timezone.now()
        application = _transition(application_id, actor, name, at=now, **extra)
        if name == "accept":
            clock.clock_on_accept(application, now)
        else:
            clock.clock_stop(application)
        application.save()
        if then is not None:
            then(application)
        clock.raise_alert_if_due(application)
        _notify_applicant(
            application, kind=name, title=title % {"reference": application.reference}, body=extra.get("reason", "")
        )
    return application
