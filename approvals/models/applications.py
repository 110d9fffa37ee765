"""Applications (办件): the state machine, uploaded materials, references and the role log."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from portal import masking
from portal.clock.levels import Level
from portal.fields import EncryptedCharField, LookupHashField
from portal.models import Department
from portal.personal_centre import PersonalRowsQuerySet
from portal.validators import validate_id_number

from .. import uploads
from .catalogue import ServiceItem, ServiceMaterial


class ReferenceSequence(models.Model):
    """The last sequence number handed out for one reference prefix (item code and day)."""

    key = models.CharField(max_length=64, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference sequence")
        verbose_name_plural = _("reference sequences")

    def __str__(self):
        return f"{self.key}: {self.last}"


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting intake")
    NEEDS_CORRECTION = "needs_correction", _("Correction requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")
    IN_REVIEW = "in_review", _("Under review")
    SUSPENDED = "suspended", _("Suspended")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def _is_applicant(instance, user) -> bool:
    """Allow the applicant, or a window clerk acting for a walk-in applicant."""
    if user is None:
        return False
    if user.pk == instance.applicant_id:
        return True
    return instance.channel == Application.Channel.WINDOW and user.has_perm("approvals.intake_application")


def _is_department_reviewer(instance, user) -> bool:
    """Allow a reviewer of the application's own department."""
    return (
        user is not None
        and user.has_perm("approvals.review_application")
        and user.department_id is not None
        and user.department_id == instance.department_id
    )


def _may_request_correction(instance, user) -> bool:
    """Allow window clerks; supervisors too, for the second round they must approve."""
    return user is not None and (
        user.has_perm("approvals.intake_application") or user.has_perm("approvals.approve_second_correction")
    )


def _not_extended(instance) -> bool:
    return instance.extended_at is None


def remedy_text() -> str:
    """Return the statement of legal remedies, in Chinese: the official language of the decision."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(REMEDY_TEXT)


REMEDY_TEXT = _(
    "If you disagree with this decision, you may apply for administrative review to the city government within "
    "60 days of receiving it, or bring an administrative lawsuit before the people's court within 6 months."
)


class Application(FSMModelMixin, models.Model):
    """One application (办件) for a service item, from draft to decision."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        WINDOW = "window", _("Hall window")

    class Delivery(models.TextChoices):
        COURIER = "courier", _("Courier (free)")
        PICKUP = "pickup", _("Pickup at the hall")

    reference = models.CharField(_("reference"), max_length=64, unique=True)
    item = models.ForeignKey(ServiceItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="applications")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant_kind = models.CharField(_("applicant kind"), max_length=12)
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    # Encrypted at rest, found by keyed hash (portal/personal_data.py). The applicant's number
    # may be a credit code: one column, encrypted whatever it holds.
    applicant_id_number = EncryptedCharField(_("ID number or credit code"), max_length=18)
    applicant_id_number_hash = LookupHashField("applicant_id_number")
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("contact phone"), max_length=20, blank=True)
    contact_phone_hash = LookupHashField("contact_phone")
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    delivery_method = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, blank=True)
    delivery_name = models.CharField(_("recipient"), max_length=50, blank=True)
    delivery_phone = EncryptedCharField(_("recipient phone"), max_length=20, blank=True)
    delivery_phone_hash = LookupHashField("delivery_phone")
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    agent_name = models.CharField(
        _("authorised agent"), max_length=50, blank=True, help_text=_("Someone the applicant authorises to collect.")
    )
    agent_id_number = EncryptedCharField(
        _("agent's ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    agent_id_number_hash = LookupHashField("agent_id_number")
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_applications",
    )
    form_token = models.UUIDField(_("form token"), null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The window clerk who filed a walk-in application."),
    )
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)
    decision_remedy = models.TextField(_("legal remedy"), blank=True)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extension_approved_by = models.CharField(
        _("extension approved by"), max_length=100, blank=True, help_text=_("The head of department who approved it.")
    )
    flagged_for_supervision = models.BooleanField(_("flagged for supervision"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    purge_notice_at = models.DateTimeField(
        _("told of deletion"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the applicant was told that this untouched draft will be deleted."),
    )
    auto_accepted = models.BooleanField(
        _("accepted automatically"), default=False, help_text=_("Intake was late: accepted by law (Art. 32).")
    )
    # The legal clock, set by the services on every transition that affects it (never by save()):
    # see approvals/clock.py. current_due_at and due_level are what the core's sweep reads.
    intake_due_at = models.DateTimeField(_("intake deadline"), null=True, blank=True)
    promised_due_at = models.DateTimeField(_("promised deadline"), null=True, blank=True, db_index=True)
    statutory_due_at = models.DateTimeField(_("statutory deadline"), null=True, blank=True)
    current_due_at = models.DateTimeField(
        _("current deadline"),
        null=True,
        blank=True,
        help_text=_("The deadline the case is held to now; empty while the clock is paused or stopped."),
    )
    due_level = models.CharField(_("time-limit status"), max_length=10, choices=Level.choices, default=Level.NORMAL)

    objects = PersonalRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        permissions = [
            ("intake_application", _("Can do intake of applications (window clerk)")),
            ("review_application", _("Can review applications of the own department")),
            ("approve_second_correction", _("Can approve a second correction round")),
        ]
        indexes = [
            models.Index(fields=["applicant", "-created_at"]),
            # The staff lists' order (ApplicationAdmin.get_ordering, selectors.work_queue): nearest
            # deadline first (NULLS LAST is PostgreSQL's default for an ascending index), then filing
            # time; behind each filter the lists open on, so a page of 50 reads 50 index entries and
            # sorts nothing, at any table size.
            # Every department's list (supervisors, the clerk's "all").
            models.Index(fields=["current_due_at", "submitted_at", "id"], name="approvals_app_queue_idx"),
            # A reviewer's list (their department), and its queues by state ("waiting to be claimed").
            models.Index(fields=["department", "current_due_at", "submitted_at", "id"], name="approvals_app_dept_idx"),
            models.Index(
                fields=["department", "state", "current_due_at", "submitted_at", "id"],
                name="approvals_app_dept_state_idx",
            ),
            # The clock sweep's range queries: level, then the current deadline.
            models.Index(fields=["due_level", "current_due_at"], name="approvals_app_due_idx"),
            # The clerk's intake queue (state "submitted"), in the lists' order; also the late
            # intakes (Art. 32): waiting for intake and past the current deadline.
            models.Index(fields=["state", "current_due_at", "submitted_at", "id"], name="approvals_app_intake_idx"),
            # The statistics count each day's events by their timestamps (oversight/stats/figures.py);
            # filing time and id is also the intake queue's order.
            models.Index(fields=["submitted_at", "id"], name="approvals_app_submitted_idx"),
            models.Index(fields=["accepted_at"], name="approvals_app_accepted_idx"),
            models.Index(fields=["decided_at"], name="approvals_app_decided_idx"),
            # Supervision's automatic acceptances and extensions of a period: those few applications only.
            models.Index(fields=["accepted_at"], condition=models.Q(auto_accepted=True), name="approvals_app_auto_idx"),
            models.Index(
                fields=["extended_at"], condition=models.Q(extended_at__isnull=False), name="approvals_app_extended_idx"
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("approvals:application_detail", args=[self.reference])

    @property
    def is_draft(self) -> bool:
        return self.state == State.DRAFT

    @property
    def masked_id_number(self) -> str:
        return masking.mask_id_number(self.applicant_id_number)

    @property
    def masked_contact_phone(self) -> str:
        return masking.mask_mobile(self.contact_phone)

    @property
    def editable_by_applicant(self) -> bool:
        return self.state in (State.DRAFT, State.NEEDS_CORRECTION)

    # Transitions only change state and derived fields; services lock, save and notify.

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED, permission=_is_applicant)
    def submit(self, *, by=None, description=None, at=None, reference=""):
        """Submit a complete draft."""
        self.reference = reference
        self.submitted_at = at

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.NEEDS_CORRECTION, target=State.SUBMITTED, permission=_is_applicant)
    def resubmit(self, *, by=None, description=None, at=None):
        """Submit again after a correction notice."""
        self.submitted_at = at

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.NEEDS_CORRECTION,
        permission=_may_request_correction,
    )
    def request_correction(self, *, by=None, description=None):
        """Send a one-time correction notice (the notice itself is written by the service)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=[State.DRAFT, State.SUBMITTED, State.NEEDS_CORRECTION, State.ACCEPTED],
        target=State.WITHDRAWN,
        permission=_is_applicant,
    )
    def withdraw(self, *, by=None, description=None, at=None):
        """Withdraw the application."""
        self.withdrawn_at = at

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.ACCEPTED, permission="approvals.intake_application")
    def accept(self, *, by=None, description=None, at=None):
        """Accept the application for review (受理)."""
        self.accepted_at = at

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.ACCEPTED)
    def auto_accept(self, *, by=None, description=None):
        """Accept by law when intake is late (Art. 32): accepted as of the day it was received."""
        self.accepted_at = self.submitted_at
        self.auto_accepted = True

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED, permission="approvals.intake_application")
    def reject(self, *, by=None, description=None, at=None, reason=""):
        """Refuse to accept the application (不予受理), with reasons and the legal remedy."""
        self.decided_at = at
        self.decision_reason = reason
        self.decision_remedy = remedy_text()

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.ACCEPTED, target=State.IN_REVIEW, permission=_is_department_reviewer)
    def claim(self, *, by=None, description=None):
        """Take the application into review; the reviewer becomes its handler."""
        self.handler = by

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.IN_REVIEW, target=State.SUSPENDED, permission=_is_department_reviewer)
    def suspend(self, *, by=None, description=None):
        """Stop the clock for a hearing, testing, inspection, appraisal or expert review (Art. 45)."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUSPENDED, target=State.IN_REVIEW, permission=_is_department_reviewer)
    def resume(self, *, by=None, description=None):
        """Restart the clock after a suspension."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.IN_REVIEW,
        permission=_is_department_reviewer,
        conditions=[_not_extended],
    )
    def extend(self, *, by=None, description=None, at=None, days=0, reason="", approved_by=""):
        """Extend the decision deadline once (Art. 42), with the reason and who approved it."""
        self.extended_at = at
        self.extension_days = days
        self.extension_reason = reason
        self.extension_approved_by = approved_by

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.IN_REVIEW, target=State.APPROVED, permission=_is_department_reviewer)
    def approve(self, *, by=None, description=None, at=None):
        """Grant the permit (准予许可)."""
        self.decided_at = at

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.IN_REVIEW, target=State.DENIED, permission=_is_department_reviewer)
    def deny(self, *, by=None, description=None, at=None, reason=""):
        """Refuse the permit (不予许可), with reasons and the legal remedy (Art. 38)."""
        self.decided_at = at
        self.decision_reason = reason
        self.decision_remedy = remedy_text()


def material_upload_to(instance, filename):
    """Store an upload under a random name with the extension of the type read from its content.

    The applicant's file name is never a path nor a type: it is kept as data (original_name).
    """
    extension = uploads.extension_for(instance.content_type)
    return f"materials/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{'.' + extension if extension else ''}"


class MaterialFile(models.Model):
    """One uploaded file for one required material of an application."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="files"
    )
    material = models.ForeignKey(
        ServiceMaterial, verbose_name=_("material"), on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=200)
    original_name = models.CharField(
        _("original file name"),
        max_length=200,
        help_text=_("The name the file had on the uploader's computer: kept as data, never used as a path or a type."),
    )
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("material file")
        verbose_name_plural = _("material files")
        ordering = ["material__sort_order", "material_id", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("approvals:material_download", args=[self.application.reference, self.pk])

    @property
    def download_name(self) -> str:
        """Return the name a download is offered under: the material's name and the detected type's extension."""
        return uploads.download_name(self.material.name, self.content_type)

    @property
    def served_content_type(self) -> str:
        return uploads.served_content_type(self.content_type)


class TransitionRole(models.Model):
    """The role an actor held when making a logged transition (electronic tracking, 电子追踪)."""

    log = models.OneToOneField(
        "django_fsm_log.StateLog", verbose_name=_("log"), on_delete=models.CASCADE, related_name="role_record"
    )
    role = models.CharField(_("role"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("role at the time")
        verbose_name_plural = _("roles at the time")

    def __str__(self):
        return self.role
