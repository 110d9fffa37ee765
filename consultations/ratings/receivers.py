"""Invite the applicant to rate when an application ends, without approvals knowing about ratings.

Approvals may not import consultations, so the invitation follows django_fsm's ``post_transition``
of ``approvals.Application``. The signal is sent inside the service's transaction, before the
save: the invitation and its notice are written in that same transaction, so a change that
fails and rolls back leaves neither. Every path to a decision (one by one, batch approval,
automatic steps) runs a transition, so each sends the signal once per application.
"""

from __future__ import annotations

from django_fsm.signals import post_transition

from approvals import batching
from approvals.models import Application

from . import services
from .models import ServiceKind


def application_ended(sender, instance: Application, target: str, **kwargs) -> None:
    """Invite the applicant's account to rate an application that has just concluded."""
    if kwargs.get("exception") is not None:  # the transition failed (an on_error state): nothing ended
        return
    if batching.deferred():  # a batch invites all its applications at once (applications_ended)
        return
    # django_fsm has set the new state on the instance already; the rule is the rating's own.
    if target != instance.state or not services.application_concluded(instance):
        return
    # A walk-in application filed at the window belongs to the visitor's account too (opened at the hall
    # if they had none): the link works without signing in, and the notice waits in their personal centre.
    services.invitation_send(
        kind=ServiceKind.APPLICATION,
        object_id=instance.pk,
        user=instance.applicant,
        service_name=instance.item.name,
    )


def applications_ended(sender, transitions: list[batching.Transition], **kwargs) -> None:
    """Invite, in bulk, the applicants of the applications a batch has just concluded (as application_ended does)."""
    ended = {}
    for transition in transitions:
        instance = transition.instance
        if transition.target == instance.state and services.application_concluded(instance):
            ended[instance.pk] = instance
    if ended:
        services.invitations_send(
            kind=ServiceKind.APPLICATION,
            services=[(pk, instance.applicant, instance.item.name) for pk, instance in ended.items()],
        )


def connect() -> None:
    """Connect the receivers (from ConsultationsConfig.ready())."""
    batching.transitions_applied.connect(
        applications_ended, sender=Application, dispatch_uid="ratings.applications_ended"
    )
    post_transition.connect(application_ended, sender=Application, dispatch_uid="ratings.application_ended")
