"""Every change of ratings and rectifications, used alike by the pages, the admin, the demo and the tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Application, State
from portal import roles
from portal.clock import calendar as calendars
from portal.clock import deadlines, sweep
from portal.clock.levels import Level
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import Notification, User
from portal.services import notification_send, notifications_send

from ..appointments.models import Appointment, QueueTicket
from ..questions.models import Question
from . import clock
from .models import TAGS, Level5, Rating, RatingInvitation, Rectification, ServiceKind

CONCLUDED_STATES = (State.APPROVED, State.DENIED, State.REJECTED, State.WITHDRAWN)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _end_of_working_days(start: datetime, days: int) -> datetime:
    return deadlines.end_of_day(calendars.get_calendar().add_working_days(deadlines.day_of(start), days))


def application_concluded(application: Application) -> bool:
    """Return whether an application has ended with a service given (withdrawn before acceptance: none was)."""
    if application.state == State.WITHDRAWN:
        return application.accepted_at is not None
    return application.state in CONCLUDED_STATES


def service_of(kind: str, object_id: int, rater: User):
    """Return (record, department, item) of a concluded service given to the rater; refuse anything else."""
    if kind == ServiceKind.APPLICATION:
        record = Application.objects.select_related("item").filter(pk=object_id, applicant=rater).first()
        concluded = record is not None and application_concluded(record)
        department, item = (record.department, record.item) if record else (None, None)
    elif kind == ServiceKind.QUESTION:
        record = Question.objects.select_related("department", "item").filter(pk=object_id, asker=rater).first()
        concluded = record is not None and record.first_reply_at is not None
        department, item = (record.department, record.item) if record else (None, None)
    elif kind == ServiceKind.APPOINTMENT:
        record = Appointment.objects.select_related("item__department").filter(pk=object_id, holder=rater).first()
        concluded = (
            record is not None
            and QueueTicket.objects.filter(appointment=record, state=QueueTicket.State.SERVED).exists()
        )
        item = record.item if record else None
        department = item.department if item else None
    else:
        raise ActionRefused(_("Choose a service to rate."))
    if record is None:
        raise ActionRefused(_("Only the person a service was given to rates it."))
    if not concluded:
        raise ActionRefused(_("A service is rated once it has ended."))
    return record, department, item


@transaction.atomic
def rating_submit(
    *,
    rater: User,
    kind: str,
    object_id: int,
    level: int,
    tags=(),
    comment: str = "",
    anonymous: bool = False,
    comment_public: bool = False,
    now: datetime | None = None,
) -> Rating:
    """Rate a service once; a bad review (the two lowest levels) opens a rectification for its department."""
    now = _now(now)
    if level not in Level5.values:
        raise ActionRefused(_("Choose one of the five levels."))
    unknown = set(tags) - set(TAGS)
    if unknown:
        raise ActionRefused(_("Choose tags from the list."))
    record, department, item = service_of(kind, object_id, rater)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                kind=kind,
                **{kind: record},
                rater=rater,
                department=department,
                item=item,
                level=level,
                tags=list(tags),
                comment=comment.strip(),
                anonymous=anonymous,
                comment_public=comment_public,
                rated_at=now,
            )
    except IntegrityError:
        raise AlreadyHandled(_("This service has already been rated; each service is rated once.")) from None
    RatingInvitation.objects.filter(kind=kind, object_id=object_id, used_at__isnull=True).update(used_at=now)
    if rating.is_bad:
        _open_rectification(rating, now)
    return rating


def _open_rectification(rating: Rating, now: datetime) -> Rectification:
    rectification = Rectification(
        rating=rating,
        department=rating.department,
        opened_at=now,
        visit_due_at=_end_of_working_days(now, settings.RATING_VISIT_WORKING_DAYS),
        current_due_at=_end_of_working_days(now, settings.RATING_RECTIFICATION_WORKING_DAYS),
    )
    sweep.set_level(clock.VISIT, rectification, now)
    sweep.set_level(clock.RECTIFY, rectification, now)
    rectification.save()
    return rectification


def invitation_create(*, kind: str, object_id: int, user: User, now: datetime | None = None) -> RatingInvitation:
    """Return the single-use rating link of a service that ended (the same one if asked again)."""
    now = _now(now)
    invitation, _created = RatingInvitation.objects.get_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"user": user, "expires_at": now + timedelta(days=settings.RATING_LINK_DAYS)},
    )
    return invitation


def invitation_valid(token: str, now: datetime | None = None) -> RatingInvitation | None:
    """Return the invitation if its link may still be used (not used, not expired), else None."""
    invitation = RatingInvitation.objects.filter(token=token).first()
    if invitation is None or invitation.used_at is not None or invitation.expires_at < _now(now):
        return None
    return invitation


def _lock(rectification_id: int) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",)).select_related("rating__rater").get(pk=rectification_id)
    )


def _may_handle(actor: User, rectification: Rectification) -> None:
    names = roles.user_roles(actor)
    if roles.SUPERVISOR in names or actor.is_superuser:
        return
    if rectification.department_id is None and roles.CLERK in names:
        return
    if (
        rectification.department_id
        and actor.department_id == rectification.department_id
        and ({roles.REVIEWER, roles.CONSULTANT} & names)
    ):
        return
    raise ActionRefused(_("This rectification belongs to another department."))


@transaction.atomic
def return_visit_record(
    *, rectification_id: int, actor: User, channel: str, notes: str, now: datetime | None = None
) -> Rectification:
    """Record the return visit (回访): when, how and what was said."""
    now = _now(now)
    rectification = _lock(rectification_id)
    _may_handle(actor, rectification)
    if rectification.visited_at is not None:
        raise AlreadyHandled(_("The return visit is already recorded."))
    if not channel.strip() or not notes.strip():
        raise ActionRefused(_("Say how the rater was contacted and what was said."))
    rectification.visited_at = now
    rectification.visit_channel = channel.strip()
    rectification.visit_notes = notes.strip()
    rectification.visited_by = actor
    rectification.visit_level = Level.NORMAL  # the return visit's clock has stopped
    rectification.save()
    return rectification


@transaction.atomic
def rectification_close(
    *, rectification_id: int, actor: User, outcome: str, text: str, now: datetime | None = None
) -> Rectification:
    """Close a rectification with one outcome; a real-name review needs its return visit first. The rater is told."""
    now = _now(now)
    rectification = _lock(rectification_id)
    _may_handle(actor, rectification)
    if rectification.closed_at is not None:
        raise AlreadyHandled(_("This rectification is already closed."))
    if outcome not in Rectification.Outcome.values:
        raise ActionRefused(_("Choose the outcome."))
    if not text.strip():
        raise ActionRefused(_("Say what was done, or why."))
    if not rectification.rating.anonymous and rectification.visited_at is None:
        raise ActionRefused(
            _("A review given under the rater's name is closed only after the return visit is recorded.")
        )
    rectification.outcome = outcome
    rectification.outcome_text = text.strip()
    rectification.closed_at = now
    rectification.closed_by = actor
    rectification.closed_on_time = now <= rectification.current_due_at
    rectification.visit_level = rectification.due_level = Level.NORMAL  # both clocks have stopped
    if outcome == Rectification.Outcome.APPEAL:
        rectification.appeal = Rectification.Appeal.PENDING
    rectification.save()
    notification_send(
        user=rectification.rating.rater,
        kind="rating_outcome",
        title=_("Your review was followed up: %(outcome)s") % {"outcome": rectification.get_outcome_display()},
        body=rectification.outcome_text,
    )
    return rectification


@transaction.atomic
def appeal_decide(*, rectification_id: int, actor: User, accept: bool) -> Rectification:
    """The supervisor decides an appeal; an accepted one excludes the rating from the figures (never deletes it)."""
    if roles.SUPERVISOR not in roles.user_roles(actor) and not actor.is_superuser:
        raise ActionRefused(_("Only a supervisor decides an appeal."))
    rectification = _lock(rectification_id)
    if rectification.appeal != Rectification.Appeal.PENDING:
        raise AlreadyHandled(_("This appeal is already decided, or there is none."))
    rectification.appeal = Rectification.Appeal.ACCEPTED if accept else Rectification.Appeal.REJECTED
    rectification.appeal_decided_by = actor
    rectification.save()
    if accept:
        Rating.objects.filter(pk=rectification.rating_id).update(excluded=True)
    return rectification


@transaction.atomic
def rater_verdict(*, rectification_id: int, rater: User, satisfied: bool) -> Rectification:
    """Record whether the rater is satisfied with the outcome (once)."""
    rectification = _lock(rectification_id)
    if rectification.rating.rater_id != rater.pk:
        raise ActionRefused(_("Only the rater says whether they are satisfied."))
    if rectification.closed_at is None:
        raise ActionRefused(_("The rectification has no outcome yet."))
    if rectification.rater_satisfied is not None:
        raise AlreadyHandled(_("You have already said whether you are satisfied."))
    rectification.rater_satisfied = satisfied
    rectification.save()
    return rectification


# --- inviting the person a service was given to (the public side) ---------------------------------


@transaction.atomic
def invitation_send(
    *, kind: str, object_id: int, user: User, service_name: str, now: datetime | None = None
) -> RatingInvitation | None:
    """Create the single-use rating link of a service that ended and notify its person; once per service.

    Called in the transaction that ends the service, so a change rolled back leaves neither link nor notice.
    Return the new invitation, or None when the service already had one.
    """
    now = _now(now)
    try:
        with transaction.atomic():
            invitation, created = RatingInvitation.objects.get_or_create(
                kind=kind,
                object_id=object_id,
                defaults={"user": user, "expires_at": now + timedelta(days=settings.RATING_LINK_DAYS)},
            )
    except IntegrityError:  # the same service ended in two transactions at once: the other one invites
        return None
    if not created:
        return None
    notification_send(**_invitation_notice(invitation, service_name))
    return invitation


def _invitation_notice(invitation: RatingInvitation, service_name: str) -> dict:
    return {
        "user": invitation.user,
        "kind": "rating_invitation",
        "title": _("Please rate the service: %(name)s") % {"name": service_name},
        "body": _(
            "Rating is never required. The link works once, for %(days)d days, without signing in; "
            "you may also rate from the page of the service."
        )
        % {"days": settings.RATING_LINK_DAYS},
        "link": reverse("consultations:rate_by_link", args=[invitation.token]),
    }


def invitations_send(
    *, kind: str, services: list[tuple[int, User, str]], now: datetime | None = None
) -> list[RatingInvitation]:
    """Invite to rate many services that ended in one batch: (object id, person, service name) each; once per service.

    The bulk form of invitation_send, in the batch's transaction: one look-up, one insert of the
    links, one of the notices. A service invited already (by a concurrent change) is left out; one
    invited at the same moment makes the insert fail, so the batch redoes its rows one by one.
    """
    now = _now(now)
    invited = set(
        RatingInvitation.objects.filter(kind=kind, object_id__in=[pk for pk, _user, _name in services]).values_list(
            "object_id", flat=True
        )
    )
    names = {}
    invitations = []
    for object_id, user, service_name in services:
        if object_id in invited or object_id in names:
            continue
        names[object_id] = service_name
        invitations.append(
            RatingInvitation(
                kind=kind,
                object_id=object_id,
                user=user,
                expires_at=now + timedelta(days=settings.RATING_LINK_DAYS),
            )
        )
    invitations = RatingInvitation.objects.bulk_create(invitations)
    notifications_send(
        [Notification(**_invitation_notice(invitation, names[invitation.object_id])) for invitation in invitations]
    )
    return invitations
