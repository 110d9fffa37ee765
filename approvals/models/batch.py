"""Batch approvals run by a reviewer, with the outcome of each application."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Department

from .applications import Application


class BatchJob(models.Model):
    """A batch approval run by a reviewer; large ones run in a Celery worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT)
    application_ids = models.JSONField(_("applications"), default=list)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("approved"), default=0)
    failed = models.PositiveIntegerField(_("skipped"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("batch approval")
        verbose_name_plural = _("batch approvals")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.done + self.failed}/{self.total}"

    @property
    def progress_percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100


class BatchJobItem(models.Model):
    """The outcome for one application of a batch; its presence means "handled, do not redo"."""

    job = models.ForeignKey(BatchJob, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(Application, verbose_name=_("application"), on_delete=models.CASCADE)
    approved = models.BooleanField(_("approved"))
    message = models.CharField(_("message"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("batch item")
        verbose_name_plural = _("batch items")
        constraints = [models.UniqueConstraint(fields=["job", "application"], name="approvals_batch_item_once")]

    def __str__(self):
        return f"{self.job_id}:{self.application_id}"
