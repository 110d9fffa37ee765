"""Reads of the catalogue and of applications shared by views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import has_transition_perm
from django_fsm_log.models import StateLog

from portal.clock import calendar, deadlines
from portal.clock.levels import Level
from portal.models import User

from . import clock
from .actions import ACTIONS, StaffAction
from .models import Application, ServiceItem, State


def catalogue_items(
    *, q: str = "", department: str = "", district: str = "", kind: str = "", depth: str = ""
) -> QuerySet[ServiceItem]:
    """Return the active items matching the catalogue's search and filters."""
    items = ServiceItem.objects.filter(is_active=True).select_related("department", "district")
    q = q.strip()
    if q:
        items = items.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if department:
        items = items.filter(department__code=department)
    if district == "city":
        items = items.filter(district__isnull=True)
    elif district:
        items = items.filter(district__code=district)
    if kind:
        items = items.filter(kind=kind)
    if depth.isdigit():
        items = items.filter(online_depth=int(depth))
    return items.order_by("department__sort_order", "code")


def item_get_for_guide(code: str) -> ServiceItem:
    """Return an active item with its materials, or 404."""
    try:
        return (
            ServiceItem.objects.select_related("department", "district")
            .prefetch_related("materials")
            .get(code=code, is_active=True)
        )
    except ServiceItem.DoesNotExist:
        raise Http404("No such item") from None


def application_get_for_user(user: User, reference: str) -> Application:
    """Return one of the user's own applications, or 404 (also for anyone else's)."""
    if not user.is_authenticated:
        raise Http404("No such application")
    try:
        return Application.objects.select_related("item", "item__department", "department").get(
            reference=reference, applicant=user
        )
    except Application.DoesNotExist:
        raise Http404("No such application") from None


def applications_of(user: User) -> QuerySet[Application]:
    """Return the user's applications, newest first, ready for a list."""
    return (
        Application.objects.filter(applicant=user).select_related("item", "department").order_by("-created_at", "-id")
    )


NEXT_STEP = {
    State.DRAFT: _("Complete the form and materials, then submit."),
    State.SUBMITTED: _("Nothing for now: the hall checks your materials."),
    State.NEEDS_CORRECTION: _("Correct the items listed in the notice and submit again."),
    State.ACCEPTED: _("Nothing for now: the department will review it."),
    State.IN_REVIEW: _("Nothing for now: the department is reviewing it."),
    State.SUSPENDED: _("Nothing for now: the time limit is paused (hearing, testing or expert review)."),
    State.APPROVED: _("Receive your certificate or decision."),
    State.REJECTED: _("Read the decision; you may apply again or seek a remedy."),
    State.DENIED: _("Read the decision; you may seek administrative review or sue."),
    State.WITHDRAWN: _("Nothing: the application was withdrawn."),
}


def next_step(application: Application) -> str:
    """Return what the applicant is expected to do next, in words."""
    return NEXT_STEP[State(application.state)]


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def due_date(application: Application) -> date | None:
    """Return the day the current official step is due (intake or decision), once known."""
    return deadlines.day_of(application.current_due_at) if application.current_due_at else None


def working_days_left(application: Application) -> int | None:
    """Return the working days left before the current deadline (negative when overdue)."""
    return clock.working_days_left(application)


# Which role acts in each transition, for the public timeline (staff names are never shown).
TRANSITION_ROLE = {
    "submit": _("Applicant"),
    "resubmit": _("Applicant"),
    "withdraw": _("Applicant"),
    "request_correction": _("Window clerk"),
    "accept": _("Window clerk"),
    "reject": _("Window clerk"),
    "claim": _("Reviewer"),
    "suspend": _("Reviewer"),
    "resume": _("Reviewer"),
    "extend": _("Reviewer"),
    "approve": _("Reviewer"),
    "deny": _("Reviewer"),
}


@dataclass
class TimelineEntry:
    at: datetime
    step: str
    role: str
    comment: str = ""


def timeline(application: Application, *, comments: bool) -> list[TimelineEntry]:
    """Return every step of an application, oldest first, with the role that acted (never a staff name)."""
    entries = [TimelineEntry(at=application.created_at, step=str(_("Draft created")), role=str(_("Applicant")))]
    logs = StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id=application.pk
    ).order_by("timestamp", "pk")
    states = dict(State.choices)
    for log in logs:
        if log.by_id is None:
            role = _("System")
        elif log.by_id == application.applicant_id:
            role = _("Applicant")
        else:
            role = TRANSITION_ROLE.get(log.transition, _("Staff"))
        entries.append(
            TimelineEntry(
                at=log.timestamp,
                step=str(states.get(log.state, log.state)),
                role=str(role),
                comment=(log.description or "") if comments else "",
            )
        )
    return entries


def application_for_tracking(reference: str, id_tail: str) -> Application | None:
    """Return the application whose reference and ID-number tail both match, else None."""
    reference = reference.strip().upper()
    id_tail = id_tail.strip().upper()
    if len(id_tail) != 6 or not reference:
        return None
    application = (
        Application.objects.select_related("item", "department")
        .filter(reference=reference, submitted_at__isnull=False)
        .first()
    )
    if application is None or not application.applicant_id_number.upper().endswith(id_tail):
        return None
    return application


def applications_for_staff(user: User) -> QuerySet[Application]:
    """Return the applications a member of staff may see: the one place that decides it.

    Window clerks and supervisors see every department's (the hall is one window);
    reviewers only their own department's. Drafts are the applicant's own business,
    except walk-in drafts that a clerk is filing.
    """
    qs = Application.objects.select_related("item", "department", "handler", "applicant")
    if not user.is_authenticated or not user.is_staff:
        return qs.none()
    visible = ~Q(state=State.DRAFT) | Q(channel=Application.Channel.WINDOW)
    if user.is_superuser or user.has_perm("approvals.approve_second_correction"):
        return qs.filter(visible)
    if user.has_perm("approvals.intake_application"):
        return qs.filter(visible)
    if user.has_perm("approvals.review_application") and user.department_id:
        return qs.filter(department_id=user.department_id).exclude(state=State.DRAFT)
    return qs.none()


def staff_actions_for(application: Application, user: User) -> list[StaffAction]:
    """Return the staff actions (approvals.actions) open to this user on this application now, in order."""
    return [
        action
        for action in ACTIONS
        if application.state in action.sources
        and has_transition_perm(getattr(application, action.transition), user)
        and (action.allowed is None or action.allowed(application, user))
    ]


def working_days_waited(application: Application) -> int | None:
    """Return the working days since submission (the day itself not counted)."""
    if not application.submitted_at:
        return None
    return calendar.working_days_between(_local_date(application.submitted_at), timezone.localdate())


def staff_log(application: Application) -> list[dict]:
    """Return the full transition log with the acting staff member's name and role at the time."""
    logs = (
        StateLog.objects.filter(content_type=ContentType.objects.get_for_model(Application), object_id=application.pk)
        .select_related("by", "role_record")
        .order_by("timestamp", "pk")
    )
    states = dict(State.choices)
    rows = []
    for log in logs:
        record = getattr(log, "role_record", None)
        rows.append(
            {
                "at": log.timestamp,
                "actor": (log.by.display_name or log.by.username) if log.by else _("System"),
                "role": record.role if record else "",
                "transition": log.transition,
                "source": states.get(log.source_state, log.source_state or ""),
                "target": states.get(log.state, log.state),
                "comment": log.description or "",
            }
        )
    return rows


@dataclass(frozen=True)
class WorkQueue:
    """A staff queue of applications: who works it, and which rows wait in it."""

    name: str
    label: str
    permission: str
    rows: Callable[[QuerySet[Application], User], QuerySet[Application]]


def _end_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time.min))


RUNNING = [State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW]

# Each queue filters on indexed fields only (state with the deadline, department with the state,
# the handler, the level with the deadline), so counting it is one cheap query.
WORK_QUEUES = {
    queue.name: queue
    for queue in [
        WorkQueue(
            "intake",
            _("Waiting for intake"),
            "approvals.intake_application",
            lambda qs, user: qs.filter(state=State.SUBMITTED),
        ),
        WorkQueue(
            "intake_due",
            _("Intake due today or overdue"),
            "approvals.intake_application",
            lambda qs, user: qs.filter(state=State.SUBMITTED, current_due_at__lt=_end_of_today()),
        ),
        WorkQueue(
            "claim",
            _("Accepted, waiting to be claimed"),
            "approvals.review_application",
            lambda qs, user: qs.filter(state=State.ACCEPTED, department_id=user.department_id),
        ),
        WorkQueue(
            "mine",
            _("My cases in review or suspended"),
            "approvals.review_application",
            lambda qs, user: qs.filter(state__in=[State.IN_REVIEW, State.SUSPENDED], handler=user),
        ),
        WorkQueue(
            "due_soon",
            _("Due soon or overdue"),
            "approvals.review_application",
            lambda qs, user: qs.filter(
                # Cases waiting for intake are the clerks' (their alerts go to the clerks too).
                due_level__in=[Level.WARNING, Level.OVERDUE],
                current_due_at__isnull=False,
                state__in=[State.ACCEPTED, State.IN_REVIEW],
            ),
        ),
        WorkQueue(
            "overdue",
            _("Overdue"),
            "approvals.approve_second_correction",
            lambda qs, user: qs.filter(due_level=Level.OVERDUE, current_due_at__isnull=False, state__in=RUNNING),
        ),
        WorkQueue(
            "warning",
            _("Due soon (all departments)"),
            "approvals.approve_second_correction",
            lambda qs, user: qs.filter(due_level=Level.WARNING, current_due_at__isnull=False, state__in=RUNNING),
        ),
    ]
}


def work_queues_for(user: User) -> list[WorkQueue]:
    """Return the application queues this member of staff works, in order."""
    return [queue for queue in WORK_QUEUES.values() if user.has_perm(queue.permission)]


def work_queue(user: User, name: str, queryset: QuerySet[Application] | None = None) -> QuerySet[Application]:
    """Return the applications waiting in one of the user's queues (none if the queue is not theirs)."""
    queryset = applications_for_staff(user) if queryset is None else queryset
    queue = WORK_QUEUES.get(name)
    if queue is None or not user.has_perm(queue.permission):
        return queryset.none()
    return queue.rows(queryset, user).order_by(F("current_due_at").asc(nulls_last=True), "submitted_at", "id")


def work_queue_count(user: User, name: str) -> int:
    """Count one of the user's queues in one query."""
    return work_queue(user, name).order_by().count()
