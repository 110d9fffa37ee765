"""The printing centre: print batches, and each certificate's print job from the queue to the holder's hands."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from approvals.models import Application
from portal.clock.levels import Level
from portal.fields import EncryptedCharField, LookupHashField
from portal.personal_centre import PersonalRowsQuerySet

from .certificates import Certificate


def _is_print_operator(instance, user) -> bool:
    return user is not None and user.has_perm("licenses.operate_printing")


class PrintBatch(models.Model):
    """One merged PDF printed by the printing centre: who, when, how many."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Printing")
        DONE = "done", _("Printed")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("print operator"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    job_ids = models.JSONField(_("print jobs"), default=list)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("pages drawn"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("PDF"), upload_to="print-batches/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} ({self.total})"

    @property
    def progress_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


class PrintJob(FSMModelMixin, models.Model):
    """The printing centre's job for one issued certificate, from the queue to the holder's hands."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PRINTED = "printed", _("Printed")
        DISPATCHED = "dispatched", _("Sent by courier")
        DELIVERED = "delivered", _("Delivered")
        READY = "ready", _("Ready for pickup")
        COLLECTED = "collected", _("Collected")
        CANCELLED = "cancelled", _("Cancelled (certificate replaced)")

    class Delivery(models.TextChoices):
        # The applicant's choice on the apply form, with the same labels.
        COURIER = "courier", _("Courier (free)")
        PICKUP = "pickup", _("Pickup at the hall")

    # Before these states the certificate is still at the centre; a replaced version's job is then cancelled.
    CANCELLABLE = (State.QUEUED, State.PRINTED, State.READY)

    certificate = models.OneToOneField(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="print_job"
    )
    state = FSMField(_("state"), default=State.QUEUED, choices=State.choices, protected=True, db_index=True)
    due_at = models.DateTimeField(_("deadline (Art. 44)"), db_index=True)
    delivery_method = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.COURIER)
    application = models.ForeignKey(
        Application,
        verbose_name=_("application (delivery details)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where the recipient, phone and address come from; a new version keeps its first application."),
    )
    batch = models.ForeignKey(
        PrintBatch, verbose_name=_("print batch"), on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    printed_at = models.DateTimeField(_("printed"), null=True, blank=True)
    courier = models.CharField(_("courier company"), max_length=50, blank=True)
    waybill = models.CharField(_("waybill number"), max_length=50, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    collected_at = models.DateTimeField(_("collected"), null=True, blank=True)
    collector_id_number = EncryptedCharField(_("collector ID number"), max_length=18, blank=True)
    collector_id_number_hash = LookupHashField("collector_id_number")
    due_level = models.CharField(
        _("time-limit status"), max_length=10, choices=Level.choices, default=Level.NORMAL, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PersonalRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        ordering = ["due_at", "id"]
        permissions = [("operate_printing", _("Can print, reprint, dispatch and hand over certificates"))]
        # The clock sweep's range queries: level, then the deadline.
        indexes = [
            models.Index(fields=["due_level", "due_at"], name="licenses_printjob_due_idx"),
            # The print queue's order (Meta.ordering), alone and behind its state filter.
            models.Index(fields=["due_at", "id"], name="licenses_printjob_order_idx"),
            models.Index(fields=["state", "due_at", "id"], name="licenses_printjob_state_idx"),
            # The statistics' certificates delivered per day.
            models.Index(fields=["delivered_at"], name="licenses_printjob_sent_idx"),
        ]

    def __str__(self):
        return f"{self.certificate.number} ({self.get_state_display()})"

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.QUEUED, target=State.PRINTED, permission=_is_print_operator)
    def mark_printed(self, *, by=None, description=None, at=None, batch=None):
        """Printed in a batch."""
        self.printed_at = at
        self.batch = batch

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PRINTED, target=State.PRINTED, permission=_is_print_operator)
    def reprint(self, *, by=None, description=None, at=None):
        """Print one certificate again (the reason is the log's description)."""
        self.printed_at = at

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PRINTED, target=State.DISPATCHED, permission=_is_print_operator)
    def dispatch(self, *, by=None, description=None, at=None, courier="", waybill=""):
        """Hand to the courier, free of charge for the holder."""
        self.dispatched_at = at
        self.courier = courier
        self.waybill = waybill

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DISPATCHED, target=State.DELIVERED, permission=_is_print_operator)
    def mark_delivered(self, *, by=None, description=None, at=None):
        """The courier delivered it."""
        self.delivered_at = at

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PRINTED, target=State.READY, permission=_is_print_operator)
    def make_ready(self, *, by=None, description=None):
        """Put at the hall's counter for pickup."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.READY, target=State.COLLECTED, permission=_is_print_operator)
    def collect(self, *, by=None, description=None, at=None, collector_id_number=""):
        """Handed over at the counter to the holder or an authorised agent."""
        self.collected_at = at
        self.collector_id_number = collector_id_number

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=CANCELLABLE, target=State.CANCELLED)
    def cancel(self, *, by=None, description=None):
        """Withdraw from the queue: the certificate was replaced by a new version, which has its own job.

        No permission here: the reviewer who corrects or renews the certificate cancels it
        through licenses.services.print_job_cancel, inside that change.
        """

    @property
    def is_to_send(self) -> bool:
        """Return whether the certificate still has to go out by courier (its recipient is needed in full)."""
        return self.delivery_method == self.Delivery.COURIER and self.state in (self.State.QUEUED, self.State.PRINTED)
