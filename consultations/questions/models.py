"""Questions asked online, by phone or at the window, their thread, reply limits and the FAQ."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from approvals import uploads
from approvals.models import Application, ServiceItem
from portal.clock.levels import Level
from portal.fields import EncryptedCharField, LookupHashField
from portal.models import Department
from portal.personal_centre import PersonalRowsQuerySet

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference(day) -> str:
    """Return a question reference: ZX, the date and six random characters (not guessable)."""
    tail = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"ZX{day:%Y%m%d}{tail}"


def new_access_token() -> str:
    return secrets.token_urlsafe(24)


def attachment_upload_to(instance, filename):
    """Store an attachment under a random name with the extension of the type read from its content."""
    extension = uploads.extension_for(instance.attachment_type)
    return f"questions/{secrets.token_hex(1)}/{secrets.token_hex(16)}{'.' + extension if extension else ''}"


class Topic(models.TextChoices):
    POLICY = "policy", _("Policy and conditions")
    MATERIALS = "materials", _("Materials")
    PROGRESS = "progress", _("Progress of my application")
    FEES = "fees", _("Fees and time limits")
    OTHER = "other", _("Other")


class ReplyKind(models.TextChoices):
    """How the handler classified the question; each kind has its own limit (``ReplyLimit``)."""

    IN_SCOPE = "in_scope", _("Within the department's own scope")
    JOINT = "joint", _("Needs another department or joint handling")
    OUTSIDE_REMIT = "outside_remit", _("Outside the department's remit: to be forwarded")


class Question(FSMModelMixin, models.Model):
    """One inquiry (咨询), tracked from arrival to answer whatever channel it came by."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be taken up")
        IN_PROGRESS = "in_progress", _("Being handled")
        ANSWERED = "answered", _("Answered")
        RESOLVED = "resolved", _("Resolved")

    class Channel(models.TextChoices):
        ONLINE = "online", pgettext_lazy("question channel", "Online")
        PHONE = "phone", _("By phone")
        WINDOW = "window", _("At the window")

    reference = models.CharField(_("question reference"), max_length=20, unique=True)
    # The token of the form it was sent from: a double click or a resent form finds the question
    # already there instead of making a second one.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Anyone may ask with a name and a mobile number; their link to the question carries this token.
    access_token = models.CharField(max_length=40, unique=True, default=new_access_token, editable=False)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asker's account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
    )
    asker_name = models.CharField(_("asker's name"), max_length=50)
    asker_mobile = EncryptedCharField(_("asker's mobile number"), max_length=11, blank=True)
    asker_mobile_hash = LookupHashField("asker_mobile")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member of staff who recorded a question received by phone or at the window."),
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("item"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    application = models.ForeignKey(
        Application,
        verbose_name=_("application concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=60)
    body = models.TextField(_("question"))
    attachment = models.FileField(_("attachment"), upload_to=attachment_upload_to, max_length=200, blank=True)
    attachment_name = models.CharField(_("attachment's file name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment's content type"), max_length=50, blank=True)

    state = FSMField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED, protected=True)
    # The queue the question is in now: a department's, or the hall's general window (empty).
    department = models.ForeignKey(
        Department,
        verbose_name=_("department now responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    origin_department = models.ForeignKey(
        Department,
        verbose_name=_("department first asked"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # 首问负责: whoever takes the question up first stays accountable until the asker has an answer.
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first responder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reply_kind = models.CharField(
        _("kind of reply"), max_length=14, choices=ReplyKind.choices, default=ReplyKind.IN_SCOPE
    )

    asked_at = models.DateTimeField(_("asked"))
    queued_at = models.DateTimeField(_("arrived in the current queue"))
    claimed_at = models.DateTimeField(_("taken up"), null=True, blank=True)
    first_reply_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    first_reply_working_hours = models.FloatField(_("working hours to the first answer"), null=True, blank=True)
    answered_at = models.DateTimeField(_("last answered"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("answered within the limit"), null=True, blank=True)
    follow_up_until = models.DateTimeField(_("follow-up possible until"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    forwarded_count = models.PositiveSmallIntegerField(_("times forwarded"), default=0)

    # The reply clock (questions/clock.py): each arrival in a queue and each follow-up starts a round.
    clock_round = models.PositiveSmallIntegerField(_("clock round"), default=0)
    current_due_at = models.DateTimeField(_("reply due"), null=True, blank=True)
    due_level = models.CharField(_("time-limit status"), max_length=10, choices=Level.choices, default=Level.NORMAL)

    objects = PersonalRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-asked_at"]
        permissions = [("answer_question", _("Can take up, answer and forward questions"))]
        indexes = [
            # The staff queue: one department's open questions, unclaimed first, by due date.
            models.Index(fields=["department", "state", "current_due_at"], name="questions_queue_idx"),
            models.Index(fields=["handler", "state", "current_due_at"], name="questions_handler_idx"),
            models.Index(fields=["first_responder", "-asked_at"], name="questions_first_idx"),
            models.Index(fields=["asker", "-asked_at"], name="questions_asker_idx"),
            # The sweep's range queries.
            models.Index(fields=["due_level", "current_due_at"], name="questions_due_idx"),
            # Figures per department and month.
            models.Index(fields=["department", "asked_at"], name="questions_figures_idx"),
            # The statistics' questions answered per day.
            models.Index(fields=["first_reply_at"], name="questions_replied_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(asker__isnull=False) | ~Q(asker_mobile="") | ~Q(channel="online"),
                name="questions_online_asker_reachable",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.subject}"

    def get_absolute_url(self):
        return reverse("consultations:question", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.IN_PROGRESS)

    @transition(field=state, source=State.QUEUED, target=State.IN_PROGRESS)
    def claim(self, *, by, at):
        """Take the question up; the first to do so becomes its first responder for good."""
        self.handler = by
        self.claimed_at = at
        if self.first_responder_id is None:
            self.first_responder = by

    @transition(field=state, source=State.IN_PROGRESS, target=State.QUEUED)
    def forward(self, *, to, at):
        """Hand the question to another department's queue (or the general window)."""
        self.department = to
        self.handler = None
        self.claimed_at = None
        self.queued_at = at
        self.reply_kind = ReplyKind.IN_SCOPE
        self.forwarded_count += 1

    @transition(field=state, source=State.IN_PROGRESS, target=State.QUEUED)
    def release(self, *, at):
        """Put the question back in its queue for someone else to take up (first responder and deadline stay)."""
        self.handler = None
        self.claimed_at = None

    @transition(field=state, source=State.IN_PROGRESS, target=State.ANSWERED)
    def answer(self, *, at):
        """Send the answer to the asker."""
        self.answered_at = at
        if self.first_reply_at is None:
            self.first_reply_at = at

    @transition(field=state, source=State.ANSWERED, target=State.IN_PROGRESS)
    def follow_up(self, *, at):
        """Re-open the question with the asker's one follow-up; it returns to whoever answered."""
        self.followed_up_at = at
        self.queued_at = at
        self.reply_kind = ReplyKind.IN_SCOPE

    @transition(field=state, source=State.ANSWERED, target=State.RESOLVED)
    def resolve(self, *, at):
        """Record that the asker considers the question resolved."""
        self.resolved_at = at


class Message(models.Model):
    """One message of a question's thread; never edited (a correction is a new message)."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        ANSWER = "answer", _("Answer")
        CORRECTION = "correction", _("Correction of an answer")
        FOLLOW_UP = "follow_up", _("Follow-up question")
        FORWARD = "forward", _("Forwarded")
        CLAIM = "claim", _("Taken up")
        RELEASED = "released", _("Put back in the queue")
        RESOLVED = "resolved", _("Marked resolved")

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The department the author acted for, kept as it was (staff move between departments).
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_department = models.ForeignKey(
        Department,
        verbose_name=_("forwarded to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"), blank=True)
    basis_document = models.CharField(
        _("policy document"),
        max_length=200,
        blank=True,
        help_text=_("Name and number, e.g. 《建筑工程施工许可管理办法》(住建部令第18号)"),
    )
    basis_article = models.CharField(_("article"), max_length=100, blank=True)
    guide_item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("item guide"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Staff-only: the note that goes with a forward is for the receiving department.
    internal = models.BooleanField(_("staff only"), default=False)
    created_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["question", "created_at"], name="questions_thread_idx")]

    def __str__(self):
        return f"{self.question.reference} {self.get_kind_display()}"


class ReplyLimit(models.Model):
    """A reply limit set in the admin; a kind without a row uses its default from the settings."""

    kind = models.CharField(_("kind of reply"), max_length=14, choices=ReplyKind.choices, unique=True)
    amount = models.PositiveSmallIntegerField(
        _("limit"),
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Working days; for questions outside the remit, working hours of the hall to forward them."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("reply limit")
        verbose_name_plural = _("reply limits")
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.amount}"


class FaqEntry(models.Model):
    """A question and its answer published for everyone, edited free of personal details."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("item"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    source = models.OneToOneField(
        Question,
        verbose_name=_("published from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="faq_entry",
    )
    question_text = models.CharField(_("question"), max_length=300)
    answer_text = models.TextField(_("answer"))
    basis = models.CharField(_("policy basis"), max_length=300, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["item", "is_published", "-published_at"], name="faq_item_idx"),
            models.Index(fields=["is_published", "-published_at"], name="faq_published_idx"),
        ]

    def __str__(self):
        return self.question_text

    def get_absolute_url(self):
        return reverse("consultations:faq_entry", args=[self.pk])


class FaqTerm(models.Model):
    """One search term of a published FAQ entry: a pair of adjacent Chinese characters or a word.

    Chinese is written without spaces, so the search indexes every two-character window (the
    bigram method of CJK search engines); a query matches the entries that share its pairs.
    """

    entry = models.ForeignKey(FaqEntry, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=20)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        # The postings list of each term, with the weight, so that a search reads the index alone.
        # One row per term and entry is the indexing service's doing (services._index), not a constraint.
        indexes = [models.Index(fields=["term", "entry", "weight"], name="faq_term_postings_idx")]

    def __str__(self):
        return self.term
