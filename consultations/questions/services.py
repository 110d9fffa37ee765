"""Every change of a question, used alike by the public views, the admin, the demo and the tests.

Each function locks the question row, checks who acts, runs the transition, writes the
thread message, sets the reply clock and queues the notice on commit. A second click or a
colleague who got there first ends in ``AlreadyHandled`` with a message saying so.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals import uploads
from approvals.models import Application, ServiceItem
from approvals.uploads import CheckedUpload
from portal import roles, sms
from portal.clock import calendar as calendars
from portal.clock import deadlines
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import Department, User
from portal.services import notification_send

from ..ratings import services as ratings
from ..ratings.models import ServiceKind
from . import clock, faq
from .models import FaqEntry, FaqTerm, Message, Question, ReplyKind, new_reference

logger = logging.getLogger(__name__)


def staff_badge(user: User | None) -> str:
    """Return how a member of staff is named to the public: the staff number, never the name."""
    if user is None:
        return ""
    return user.staff_number or "—"  # never the name, nor an internal id; the administrator sets numbers


def may_take_up(user: User, question: Question) -> bool:
    """Return whether this member of staff may take the question up from its current queue."""
    if not (user.is_active and user.is_staff and user.has_perm("consultations.answer_question")):
        return False
    names = roles.user_roles(user)
    if question.department_id is None:
        return roles.CLERK in names
    return roles.CONSULTANT in names and user.department_id == question.department_id


def _lock(question_id: int) -> Question:
    return Question.objects.select_for_update().get(pk=question_id)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _message(question: Question, kind: str, *, at: datetime, author: User | None = None, **fields) -> Message:
    department = author.department if author is not None and author.is_staff else None
    return Message.objects.create(
        question=question, kind=kind, author=author, department=department, created_at=at, **fields
    )


def _public_link(question: Question) -> str:
    if question.asker_id:
        return reverse("consultations:question", args=[question.reference])
    return reverse("consultations:question_by_token", args=[question.access_token])


def _tell_asker(question: Question, *, kind: str, title: str, body: str = "") -> None:
    """Tell the asker in their personal centre (and by e-mail), or by text message when they have no account."""
    link = _public_link(question)
    if question.asker_id:
        notification_send(user=question.asker, kind=kind, title=title, body=body, link=link)
        return
    if not question.asker_mobile:
        return  # recorded at the window for someone who left no number: they ask again at the window
    text = f"{title} {settings.PORTAL_BASE_URL.rstrip('/')}{link}"
    mobile = question.asker_mobile

    def send():
        try:
            sms.send_sms(mobile, text)
        except sms.SmsError:
            logger.warning("Question %s: text message to the asker not sent", question.reference, exc_info=True)

    transaction.on_commit(send)


def _own_application(asker: User | None, application: Application | None) -> Application | None:
    if application is None:
        return None
    if asker is None or application.applicant_id != asker.pk:
        raise ActionRefused(_("The application you referred to is not one of yours."))
    return application


def _sent_before(form_token) -> Question | None:
    """Return the question already sent from this form (a double click, a resent page), marked as such."""
    existing = Question.objects.filter(form_token=form_token).first() if form_token else None
    if existing is not None:
        existing.already_sent = True
    return existing


def _save_with_reference(question: Question) -> Question:
    """Save a new question under a fresh reference; return it, or the one its form already sent."""
    for _attempt in range(5):
        question.reference = new_reference(timezone.localdate(question.asked_at))
        try:
            with transaction.atomic():
                question.save()
            return question
        except IntegrityError:
            existing = _sent_before(question.form_token)
            if existing is not None:
                return existing  # the other click won the race
            if Question.objects.filter(reference=question.reference).exists():
                continue
            raise
    raise RuntimeError("no free question reference after five tries")


@transaction.atomic
def question_ask(
    *,
    asker: User | None,
    name: str,
    mobile: str = "",
    item: ServiceItem | None,
    department: Department | None = None,
    topic: str,
    subject: str,
    body: str,
    application: Application | None = None,
    attachment=None,
    attachment_check: CheckedUpload | None = None,
    channel: str = Question.Channel.ONLINE,
    recorded_by: User | None = None,
    form_token=None,
    now: datetime | None = None,
) -> Question:
    """Record a question and put it in its queue: the item's department, else the one named, else the general window.

    The same form token returns the question it sent before, marked ``already_sent``.
    """
    now = _now(now)
    existing = _sent_before(form_token)
    if existing is not None:
        return existing
    if channel == Question.Channel.ONLINE and asker is None and not mobile:
        raise ActionRefused(_("Give a mobile number so that we can tell you when the answer is ready."))
    routed = item.department if item is not None else department
    question = Question(
        asker=asker,
        asker_name=name,
        asker_mobile=mobile,
        channel=channel,
        recorded_by=recorded_by,
        item=item,
        topic=topic,
        application=_own_application(asker, application),
        subject=subject,
        body=body,
        department=routed,
        origin_department=routed,
        asked_at=now,
        queued_at=now,
        form_token=form_token,
    )
    if attachment is not None:
        # Checked by content before (approvals.uploads.check_upload): the type comes from there.
        question.attachment_name = uploads.clean_original_name(attachment.name or "")
        question.attachment_type = attachment_check.content_type
        question.attachment.save(question.attachment_name, attachment, save=False)
    clock.clock_start(question, now=now)
    saved = _save_with_reference(question)
    if saved is not question:
        return saved
    _message(question, Message.Kind.QUESTION, at=now, author=asker, text=body)
    _tell_asker(
        question,
        kind="question_received",
        title=_("Question %(reference)s received: a reply is due %(due)s.")
        % {"reference": question.reference, "due": clock.due_in_words(question.current_due_at)},
    )
    return question


@transaction.atomic
def question_record(
    *,
    actor: User,
    channel: str,
    name: str,
    mobile: str = "",
    asker: User | None = None,
    item: ServiceItem | None,
    department: Department | None = None,
    topic: str,
    subject: str,
    body: str,
    form_token=None,
    now: datetime | None = None,
) -> Question:
    """Record a question received by phone or at the window; whoever records it is its first responder.

    It goes to its queue like any question, and is taken up at once when it belongs to the
    recorder's own queue.
    """
    if channel not in (Question.Channel.PHONE, Question.Channel.WINDOW):
        raise ActionRefused(_("A recorded question was received by phone or at the window."))
    if not (actor.is_staff and actor.has_perm("consultations.answer_question")):
        raise ActionRefused(_("Only consultation staff and window clerks record questions."))
    now = _now(now)
    question = question_ask(
        asker=asker,
        name=name,
        mobile=mobile,
        item=item,
        department=department,
        topic=topic,
        subject=subject,
        body=body,
        channel=channel,
        recorded_by=actor,
        form_token=form_token,
        now=now,
    )
    if getattr(question, "already_sent", False):
        return question
    question.first_responder = actor
    if may_take_up(actor, question):
        question.claim(by=actor, at=now)
        _message(question, Message.Kind.CLAIM, at=now, author=actor)
    question.save()
    return question


@transaction.atomic
def question_claim(*, question_id: int, actor: User, now: datetime | None = None) -> Question:
    """Take a question up from the queue; the first to do so is its first responder for good."""
    now = _now(now)
    question = _lock(question_id)
    if question.state != Question.State.QUEUED:
        who = staff_badge(question.handler) if question.handler_id else ""
        raise AlreadyHandled(
            _("Question %(reference)s was already taken up by staff number %(badge)s.")
            % {"reference": question.reference, "badge": who}
            if who
            else _("Question %(reference)s is no longer waiting to be taken up.") % {"reference": question.reference}
        )
    if not may_take_up(actor, question):
        raise ActionRefused(_("This question is in another department's queue."))
    question.claim(by=actor, at=now)
    question.save()
    _message(question, Message.Kind.CLAIM, at=now, author=actor)
    return question


def _handled_by(question: Question, actor: User) -> None:
    if question.state != Question.State.IN_PROGRESS:
        raise AlreadyHandled(
            _("Question %(reference)s is not being handled any more (%(state)s).")
            % {"reference": question.reference, "state": question.get_state_display()}
        )
    if question.handler_id != actor.pk:
        raise ActionRefused(_("Only the member of staff handling the question may do this; take it up first."))


@transaction.atomic
def question_classify(*, question_id: int, actor: User, kind: str, now: datetime | None = None) -> Question:
    """Set the kind of reply, and with it the limit counted from the arrival in the queue."""
    now = _now(now)
    question = _lock(question_id)
    _handled_by(question, actor)
    if kind not in ReplyKind.values:
        raise ActionRefused(_("Choose one of the kinds of reply."))
    question.reply_kind = kind
    clock.clock_set(question, now=now)
    question.save()
    clock.raise_alert_if_due(question)
    return question


def handler_gone(question: Question) -> bool:
    """Return whether the question's handler can no longer act on it (left, or moved out of its queue)."""
    handler = question.handler
    return handler is None or not may_take_up(handler, question)


@transaction.atomic
def question_release(*, question_id: int, actor: User, now: datetime | None = None) -> Question:
    """Put a question being handled back in its queue: by its handler, or by the queue's staff once the
    handler can no longer act. Its deadline and first responder stay as they are."""
    now = _now(now)
    question = _lock(question_id)
    if question.state != Question.State.IN_PROGRESS:
        raise AlreadyHandled(
            _("Question %(reference)s is not being handled any more (%(state)s).")
            % {"reference": question.reference, "state": question.get_state_display()}
        )
    if question.handler_id != actor.pk and not (handler_gone(question) and may_take_up(actor, question)):
        raise ActionRefused(_("Only its handler puts a question back in the queue, while they can act on it."))
    _message(question, Message.Kind.RELEASED, at=now, author=actor)
    question.release(at=now)
    question.save()
    return question


@transaction.atomic
def question_forward(
    *, question_id: int, actor: User, to: Department | None, note: str, now: datetime | None = None
) -> Question:
    """Hand the question to another department (or back to the general window), with a note for them."""
    now = _now(now)
    question = _lock(question_id)
    _handled_by(question, actor)
    if not note.strip():
        raise ActionRefused(_("Say in a note why the question goes to the other department."))
    if (to.pk if to else None) == question.department_id:
        raise ActionRefused(_("The question is already in this queue; choose another department."))
    _message(question, Message.Kind.FORWARD, at=now, author=actor, to_department=to, text=note.strip(), internal=True)
    question.forward(to=to, at=now)
    clock.clock_start(question, now=now)
    question.save()
    clock.raise_alert_if_due(question)
    return question


@transaction.atomic
def question_answer(
    *,
    question_id: int,
    actor: User,
    text: str,
    basis_document: str = "",
    basis_article: str = "",
    guide_item: ServiceItem | None = None,
    now: datetime | None = None,
) -> Question:
    """Send the answer; the asker is told and may ask one follow-up within the follow-up period."""
    now = _now(now)
    question = _lock(question_id)
    _handled_by(question, actor)
    if not text.strip():
        raise ActionRefused(_("Write the answer."))
    _message(
        question,
        Message.Kind.ANSWER,
        at=now,
        author=actor,
        text=text.strip(),
        basis_document=basis_document.strip(),
        basis_article=basis_article.strip(),
        guide_item=guide_item,
    )
    first = question.first_reply_at is None
    on_time = question.current_due_at is None or now <= question.current_due_at
    question.answer(at=now)
    if first:
        question.answered_on_time = on_time
        question.first_reply_working_hours = clock.working_hours_to_first_reply(question)
    if question.followed_up_at is None:
        window = calendars.get_calendar().add_working_days(
            timezone.localdate(now), settings.QUESTION_FOLLOW_UP_WORKING_DAYS
        )
        question.follow_up_until = deadlines.end_of_day(window)
    clock.clock_stop(question)
    question.save()
    _tell_asker(
        question,
        kind="question_answered",
        title=_("Your question %(reference)s has been answered.") % {"reference": question.reference},
    )
    if first and question.asker_id:
        # The service ends with its first reply: the asker with an account is invited to rate it (once).
        ratings.invitation_send(
            kind=ServiceKind.QUESTION,
            object_id=question.pk,
            user=question.asker,
            service_name=question.subject,
            now=now,
        )
    return question


@transaction.atomic
def question_correct(
    *,
    question_id: int,
    actor: User,
    text: str,
    basis_document: str = "",
    basis_article: str = "",
    now: datetime | None = None,
) -> Question:
    """Add a correction to a sent answer (a sent answer is never edited)."""
    now = _now(now)
    question = _lock(question_id)
    if question.state not in (Question.State.ANSWERED, Question.State.RESOLVED):
        raise ActionRefused(_("Only an answered question can receive a correction."))
    answerers = set(question.messages.filter(kind=Message.Kind.ANSWER).values_list("author_id", flat=True))
    if actor.pk not in answerers:
        raise ActionRefused(_("Only a member of staff who answered the question may correct the answer."))
    if not text.strip():
        raise ActionRefused(_("Write the correction."))
    last = question.messages.order_by("-created_at", "-id").first()
    if last.kind == Message.Kind.CORRECTION and last.author_id == actor.pk and last.text == text.strip():
        raise AlreadyHandled(_("This correction was already sent."))
    _message(
        question,
        Message.Kind.CORRECTION,
        at=now,
        author=actor,
        text=text.strip(),
        basis_document=basis_document.strip(),
        basis_article=basis_article.strip(),
    )
    _tell_asker(
        question,
        kind="question_corrected",
        title=_("The answer to your question %(reference)s was corrected.") % {"reference": question.reference},
    )
    return question


def may_follow_up(question: Question, now: datetime | None = None) -> bool:
    """Return whether the asker may still ask their one follow-up."""
    return (
        question.state == Question.State.ANSWERED
        and question.followed_up_at is None
        and question.follow_up_until is not None
        and _now(now) <= question.follow_up_until
    )


@transaction.atomic
def question_follow_up(*, question_id: int, text: str, now: datetime | None = None) -> Question:
    """Re-open an answered question with the asker's one follow-up, under a new reply clock."""
    now = _now(now)
    question = _lock(question_id)
    if question.state != Question.State.ANSWERED:
        raise AlreadyHandled(_("This question is not waiting for your reply any more."))
    if question.followed_up_at is not None:
        raise ActionRefused(_("You have already asked your follow-up question; for something new, ask a new question."))
    if not may_follow_up(question, now):
        raise ActionRefused(_("The time for a follow-up has passed; for something new, ask a new question."))
    if not text.strip():
        raise ActionRefused(_("Write your follow-up question."))
    _message(question, Message.Kind.FOLLOW_UP, at=now, author=question.asker, text=text.strip())
    question.follow_up(at=now)
    if question.handler_id is None or not question.handler.is_active:
        # Whoever answered has left: the follow-up waits in the department's queue.
        question.release(at=now)
    clock.clock_start(question, now=now)
    question.save()
    clock.raise_alert_if_due(question)
    if question.handler_id:
        notification_send(
            user=question.handler,
            kind="question_follow_up",
            title=_("Follow-up question on %(reference)s %(subject)s")
            % {"reference": question.reference, "subject": question.subject},
            link=reverse("admin:consultations_question_change", args=[question.pk]),
        )
    return question


@transaction.atomic
def question_resolve(*, question_id: int, now: datetime | None = None) -> Question:
    """Record that the asker considers the answer resolves their question."""
    now = _now(now)
    question = _lock(question_id)
    if question.state != Question.State.ANSWERED:
        raise AlreadyHandled(_("This question is already marked resolved."))
    _message(question, Message.Kind.RESOLVED, at=now, author=question.asker)
    question.resolve(at=now)
    question.save()
    return question


# --- the FAQ ----------------------------------------------------------------------------


def _index(entry: FaqEntry) -> None:
    FaqTerm.objects.filter(entry=entry).delete()
    if not entry.is_published:
        return
    terms = faq.entry_terms(entry.question_text, entry.answer_text)
    FaqTerm.objects.bulk_create([FaqTerm(entry=entry, term=term, weight=weight) for term, weight in terms.items()])


def faq_department_only(user: User) -> bool:
    """Return whether the user publishes and edits only their own department's entries (consultation staff;
    the general window's clerks publish for every department)."""
    names = roles.user_roles(user)
    return not user.is_superuser and roles.CONSULTANT in names and not ({roles.CLERK, roles.SUPERVISOR} & names)


def _may_publish(actor: User, department: Department | None = None) -> None:
    if not (actor.is_staff and actor.has_perm("consultations.add_faqentry")):
        raise ActionRefused(_("Only consultation staff and window clerks publish FAQ entries."))
    if department is not None and faq_department_only(actor) and department.pk != actor.department_id:
        raise ActionRefused(_("You publish and edit the FAQ entries of your own department's items only."))


@transaction.atomic
def faq_publish(
    *,
    actor: User,
    question_text: str,
    answer_text: str,
    basis: str = "",
    item: ServiceItem | None,
    department: Department | None = None,
    source: Question | None = None,
    now: datetime | None = None,
) -> FaqEntry:
    """Publish a question and its answer, edited free of personal details, as an FAQ entry."""
    department = item.department if item is not None else department
    _may_publish(actor, department)
    if source is not None:
        source = Question.objects.select_for_update().get(pk=source.pk)
        if source.first_reply_at is None:
            raise ActionRefused(_("Only an answered question can be published."))
        if FaqEntry.objects.filter(source=source).exists():
            raise AlreadyHandled(_("This question is already published in the FAQ."))
    if department is None:
        raise ActionRefused(_("Choose the item or the department the entry belongs to."))
    entry = FaqEntry.objects.create(
        item=item,
        department=department,
        source=source,
        question_text=question_text.strip(),
        answer_text=answer_text.strip(),
        basis=basis.strip(),
        published_at=_now(now),
        published_by=actor,
    )
    _index(entry)
    return entry


@transaction.atomic
def faq_save(*, actor: User, entry: FaqEntry) -> FaqEntry:
    """Save an edited entry (text, item, published or withdrawn) and re-index it."""
    if entry.item_id:
        entry.department_id = entry.item.department_id
    _may_publish(actor, entry.department)
    entry.save()
    _index(entry)
    return entry
