"""What stops the clock: one-time correction notices (一次性告知) and suspensions (Art. 45)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .catalogue import ServiceMaterial


class ClockPause(models.Model):
    """A period in which the legal clock does not run: a correction notice, or a suspension (Art. 45)."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("Hearing")
        TESTING = "testing", _("Testing")
        INSPECTION = "inspection", _("Inspection")
        APPRAISAL = "appraisal", _("Appraisal")
        EXPERT_REVIEW = "expert_review", _("Expert review")
        CORRECTION = "correction", _("Waiting for corrections")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="pauses"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    expected_days = models.PositiveSmallIntegerField(_("expected working days"), validators=[MinValueValidator(1)])
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["application", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(ended_at__isnull=True),
                name="approvals_one_open_pause_per_application",
            )
        ]

    def __str__(self):
        return f"{self.application} {self.get_kind_display()}"


class CorrectionNotice(models.Model):
    """A one-time notice (一次性告知) listing everything an applicant must correct."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="correction_notices"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    flagged_for_supervision = models.BooleanField(_("flagged for supervision"), default=False)
    resolved_at = models.DateTimeField(_("resubmitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")
        ordering = ["application", "round"]
        constraints = [
            models.UniqueConstraint(fields=["application", "round"], name="approvals_notice_unique_round"),
        ]
        # Supervision's second correction rounds of a period.
        indexes = [models.Index(fields=["round", "issued_at"], name="approvals_notice_round_idx")]

    def __str__(self):
        return f"{self.application} #{self.round}"


class CorrectionItem(models.Model):
    """One material or field at fault in a correction notice, with the reason."""

    notice = models.ForeignKey(
        CorrectionNotice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="items"
    )
    material = models.ForeignKey(
        ServiceMaterial, verbose_name=_("material"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    field_key = models.CharField(_("field"), max_length=40, blank=True)
    field_label = models.CharField(_("field label"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("correction item")
        verbose_name_plural = _("correction items")
        ordering = ["notice", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(material__isnull=False) | ~models.Q(field_key=""),
                name="approvals_correction_item_names_material_or_field",
            )
        ]

    def __str__(self):
        return self.material.name if self.material_id else self.field_label
