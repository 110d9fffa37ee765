"""Ratings of services, their single-use links, and the rectification each bad review opens."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models import Application, ServiceItem
from portal.clock.levels import Level
from portal.models import Department
from portal.personal_centre import PersonalRowsQuerySet

from ..appointments.models import Appointment
from ..questions.models import Question


class Level5(models.IntegerChoices):
    """The five national levels; the last two are bad reviews."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


BAD_LEVELS = (Level5.DISSATISFIED, Level5.VERY_DISSATISFIED)
GOOD_LEVELS = (Level5.VERY_SATISFIED, Level5.SATISFIED, Level5.BASICALLY_SATISFIED)


class ServiceKind(models.TextChoices):
    APPLICATION = "application", pgettext_lazy("service kind", "Application")
    QUESTION = "question", pgettext_lazy("service kind", "Question")
    APPOINTMENT = "appointment", pgettext_lazy("service kind", "Appointment")


TAGS = {
    "efficiency": _("Efficiency"),
    "attitude": _("Attitude of the staff"),
    "one_notice": _("Everything missing told at once"),
    "online": _("Convenience online"),
}


class Rating(models.Model):
    """One rating of one service given, by the person it was given to; never changed nor deleted."""

    kind = models.CharField(_("service"), max_length=12, choices=ServiceKind.choices)
    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    question = models.OneToOneField(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appointment = models.OneToOneField(
        Appointment, verbose_name=_("appointment"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rater"), on_delete=models.PROTECT, related_name="ratings"
    )
    # The department of the service; empty for the hall's general window.
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("item"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level5.choices)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # Toward the staff: the department sees the rating but not who gave it (except on a bad review,
    # where the return visit needs the contact). Publishing the comment is a separate consent.
    anonymous = models.BooleanField(_("anonymous toward the staff"), default=False)
    comment_public = models.BooleanField(_("comment may be published"), default=False)
    # An appeal the supervisor accepted excludes the rating from the figures; it is never deleted.
    excluded = models.BooleanField(_("excluded from the figures"), default=False)
    rated_at = models.DateTimeField(_("rated"))

    objects = PersonalRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="application", application__isnull=False, question__isnull=True, appointment__isnull=True)
                    | Q(kind="question", question__isnull=False, application__isnull=True, appointment__isnull=True)
                    | Q(kind="appointment", appointment__isnull=False, application__isnull=True, question__isnull=True)
                ),
                name="ratings_one_service",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "rated_at"], name="ratings_department_idx"),
            models.Index(fields=["rater", "-rated_at"], name="ratings_rater_idx"),
            # The figures of a period, and the public page's recent bad reviews (newest first).
            models.Index(fields=["rated_at"], name="ratings_rated_idx"),
            models.Index(
                fields=["-rated_at", "-id"], condition=Q(level__lte=2, excluded=False), name="ratings_bad_recent_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


def new_token() -> str:
    return secrets.token_urlsafe(24)


class RatingInvitation(models.Model):
    """The single-use link to rate one service, sent in the notification that the service ended."""

    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    kind = models.CharField(_("service"), max_length=12, choices=ServiceKind.choices)
    object_id = models.PositiveBigIntegerField(_("service record"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating link")
        verbose_name_plural = _("rating links")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="ratings_invitation_once")]

    def __str__(self):
        return f"{self.kind}:{self.object_id}"


class Rectification(models.Model):
    """What a bad review opens for the department: a return visit, then a rectification, each with its deadline."""

    class Outcome(models.TextChoices):
        RECTIFIED = "rectified", _("Rectified")
        EXPLAINED = "explained", _("Explained: the request had no legal basis")
        APPEAL = "appeal", _("Appeal: the rating was mistaken or malicious")

    class Appeal(models.TextChoices):
        PENDING = "pending", _("Waiting for the supervisor")
        ACCEPTED = "accepted", _("Accepted: the rating is excluded from the figures")
        REJECTED = "rejected", _("Rejected: the rating counts")

    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.PROTECT, related_name="rectification"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"))
    visit_due_at = models.DateTimeField(_("return visit due"))
    visit_level = models.CharField(_("return visit status"), max_length=10, choices=Level.choices, default=Level.NORMAL)
    visited_at = models.DateTimeField(_("visited"), null=True, blank=True)
    visit_channel = models.CharField(_("how"), max_length=50, blank=True)
    visit_notes = models.TextField(_("what was said"), blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    current_due_at = models.DateTimeField(_("rectification due"), null=True, blank=True)
    due_level = models.CharField(_("time-limit status"), max_length=10, choices=Level.choices, default=Level.NORMAL)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_text = models.TextField(_("what was done, or why"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_on_time = models.BooleanField(_("closed within the limit"), null=True, blank=True)
    appeal = models.CharField(_("appeal"), max_length=10, choices=Appeal.choices, blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appeal decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rater_satisfied = models.BooleanField(_("rater satisfied with the outcome"), null=True, blank=True)

    objects = PersonalRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["current_due_at"]
        # Supervisors decide appeals (the service checks the role too); the home page's appeal queue shows by it.
        permissions = [("decide_appeal", _("Can decide an appeal against a rating"))]
        indexes = [
            # The supervisors' appeal queue: few rows ever wait, so a partial index.
            models.Index(fields=["appeal"], condition=Q(appeal="pending"), name="ratings_rect_appeal_idx"),
            models.Index(fields=["department", "closed_at", "current_due_at"], name="ratings_rect_queue_idx"),
            models.Index(fields=["due_level", "current_due_at"], name="ratings_rect_due_idx"),
            models.Index(fields=["visit_level", "visit_due_at"], name="ratings_visit_due_idx"),
        ]

    def __str__(self):
        return f"{self.rating} · {self.department}"
