"""Reads of questions: who may see which, the staff queue, the FAQ and the figures for supervision."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Avg, Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from approvals.models import ServiceItem
from portal import roles
from portal.models import User

from . import faq
from .models import FaqEntry, Message, Question

FAQ_ON_GUIDE = 5


def question_get_for_user(user: User, reference: str) -> Question:
    """Return the signed-in asker's own question, or 404 (someone else's question does not exist for them)."""
    if not user.is_authenticated:
        raise Http404
    question = (
        Question.objects.select_related("item", "department", "first_responder__department", "handler__department")
        .filter(reference=reference, asker=user)
        .first()
    )
    if question is None:
        raise Http404
    return question


def question_get_by_token(token: str) -> Question:
    """Return the question whose private link carries this token, or 404."""
    question = (
        Question.objects.select_related("item", "department", "first_responder__department", "handler__department")
        .filter(access_token=token)
        .first()
    )
    if question is None or not token:
        raise Http404
    return question


def questions_of(user: User) -> QuerySet[Question]:
    """Return a person's own questions, newest first."""
    return Question.objects.filter(asker=user).select_related("item", "department").order_by("-asked_at", "-id")


def thread(question: Question, *, staff: bool) -> list[Message]:
    """Return the question's messages in order; the public does not see staff-only notes' text."""
    messages = list(
        question.messages.select_related("author", "department", "to_department", "guide_item").order_by(
            "created_at", "id"
        )
    )
    if not staff:
        for message in messages:
            if message.internal:
                message.text = ""
    return messages


def accountable(question: Question) -> dict:
    """Return who answers for the question, as the public sees them: staff number and department."""
    from .services import staff_badge  # noqa: PLC0415 - services import this module

    def person(user):
        if user is None:
            return None
        return {"badge": staff_badge(user), "department": user.department.name if user.department_id else None}

    return {"first_responder": person(question.first_responder), "handler": person(question.handler)}


def questions_for_staff(user: User) -> QuerySet[Question]:
    """Return the questions a member of staff may see: supervisors all; others their queue and their own."""
    questions = Question.objects.select_related("item", "department", "handler", "first_responder")
    names = roles.user_roles(user)
    if user.is_superuser or roles.SUPERVISOR in names:
        return questions
    mine = Q(handler=user) | Q(first_responder=user) | Q(recorded_by=user)
    queues = Q()
    if roles.CLERK in names:
        queues |= Q(department__isnull=True)
    if roles.CONSULTANT in names and user.department_id:
        queues |= Q(department_id=user.department_id)
    if not queues:
        return questions.filter(mine)
    return questions.filter(queues | mine)


def staff_queue_order(queryset: QuerySet[Question], user: User) -> QuerySet[Question]:
    """Order a staff list: unclaimed first, then the user's own, then the rest; each by due date."""
    return queryset.annotate(
        queue_rank=Case(
            When(state=Question.State.QUEUED, then=Value(0)),
            When(state=Question.State.IN_PROGRESS, handler=user, then=Value(1)),
            When(state=Question.State.IN_PROGRESS, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    ).order_by("queue_rank", "current_due_at", "-asked_at", "-id")


def waiting_count(user: User) -> int:
    """Return how many questions wait in the user's queue to be taken up."""
    names = roles.user_roles(user)
    queues = Q()
    if roles.CLERK in names:
        queues |= Q(department__isnull=True)
    if roles.CONSULTANT in names and user.department_id:
        queues |= Q(department_id=user.department_id)
    if not queues:
        return 0
    return Question.objects.filter(queues, state=Question.State.QUEUED).count()


# --- the FAQ ----------------------------------------------------------------------------


def faq_published() -> QuerySet[FaqEntry]:
    return FaqEntry.objects.filter(is_published=True)


def faq_for_item(item: ServiceItem, *, limit: int = FAQ_ON_GUIDE) -> list[FaqEntry]:
    """Return the newest published entries of an item, for its guide page."""
    return list(faq_published().filter(item=item).order_by("-published_at", "-id")[:limit])


def faq_search(query: str, *, item: ServiceItem | None = None, department=None, limit: int = 10) -> list[FaqEntry]:
    """Return the published entries closest to a query, optionally within one item or department."""
    entries = faq_published().select_related("item", "department")
    return faq.search(entries, query, item=item, department=department, limit=limit)


def faq_entry_get(pk: int) -> FaqEntry:
    entry = faq_published().select_related("item", "department").filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


# --- figures for supervision (the statistics pages read these) ------------------------------


def question_figures(*, start: date | None = None, end: date | None = None) -> list[dict]:
    """Return per department (now responsible) and month of asking: received, answered, answered within
    the limit, average working hours to the first reply, forwarded and followed up.

    ``start`` and ``end`` are local dates, both included. Department None is the general window.
    """
    questions = Question.objects.all()
    zone = timezone.get_current_timezone()
    if start is not None:
        questions = questions.filter(asked_at__gte=datetime.combine(start, datetime.min.time(), zone))
    if end is not None:
        questions = questions.filter(asked_at__lt=datetime.combine(end, datetime.max.time(), zone))
    rows = (
        questions.annotate(month=TruncMonth("asked_at", tzinfo=zone))
        .values("department", "department__name", "month")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(first_reply_at__isnull=False)),
            answered_on_time=Count("id", filter=Q(answered_on_time=True)),
            average_hours_to_first_reply=Avg("first_reply_working_hours"),
            forwarded=Count("id", filter=Q(forwarded_count__gt=0)),
            followed_up=Count("id", filter=Q(followed_up_at__isnull=False)),
        )
        .order_by("month", "department__name")
    )
    result = []
    for row in rows:
        month = row["month"]
        result.append(
            {
                "department_id": row["department"],
                "department": row["department__name"],
                "month": month.date().replace(day=1) if isinstance(month, datetime) else month,
                "received": row["received"],
                "answered": row["answered"],
                "answered_on_time": row["answered_on_time"],
                "average_hours_to_first_reply": (
                    round(row["average_hours_to_first_reply"], 1)
                    if row["average_hours_to_first_reply"] is not None
                    else None
                ),
                "forwarded": row["forwarded"],
                "followed_up": row["followed_up"],
            }
        )
    return result
