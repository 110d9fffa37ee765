"""The service catalogue (事项), applications (办件) and their materials."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from portal import masking
from portal.clock.levels import Level
from portal.models import Department, District
from portal.validators import validate_id_number

from .schema import validate_schema


class ServiceItem(models.Model):
    """An administrative service item of one department, with its guide."""

    class Kind(models.TextChoices):
        PERMIT = "permit", _("Administrative permit")
        CONFIRMATION = "confirmation", _("Administrative confirmation")
        FILING = "filing", _("Filing")
        OTHER = "other", _("Other service")

    class Depth(models.IntegerChoices):
        GUIDE = 1, _("Level 1: guide online")
        FORMS = 2, _("Level 2: forms and questions online")
        ONE_VISIT = 3, _("Level 3: apply online, one visit to collect")
        NO_VISIT = 4, _("Level 4: fully online, no visit")

    code = models.CharField(
        _("item code"),
        max_length=32,
        unique=True,
        validators=[
            # Used in URLs and in reference numbers.
            RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", _("Item code: only capital letters, digits and dashes."))
        ],
    )
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="items"
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        help_text=_("Empty for a city-level item."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    statutory_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"), validators=[MinValueValidator(1)]
    )
    promised_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), validators=[MinValueValidator(1)]
    )
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    online_depth = models.PositiveSmallIntegerField(
        _("online handling depth"),
        choices=Depth.choices,
        default=Depth.GUIDE,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    offline_reason = models.TextField(
        _("reason for offline handling"),
        blank=True,
        help_text=_("Non-empty means the item cannot be handled online, e.g. because it involves state secrets."),
    )
    fee = models.DecimalField(_("fee (yuan)"), max_digits=10, decimal_places=2, default=0)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    process = models.TextField(_("process"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("enquiry phone"), max_length=50, blank=True)
    extra_fields = models.JSONField(
        _("extra fields"),
        default=list,
        blank=True,
        validators=[validate_schema],
        help_text=_(
            'A list of fields, e.g. [{"key": "floor_area", "label": "建筑面积（平方米）", "type": "number", '
            '"required": true}]. Types: text, textarea, number, date, choice (with "choices").'
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["department__sort_order", "code"]
        permissions = [("manage_catalogue", _("Can manage the service catalogue"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(promised_days__lte=models.F("statutory_days")),
                name="approvals_item_promised_within_statutory",
                violation_error_message=_("The promised time limit cannot be longer than the statutory one."),
            ),
            models.CheckConstraint(
                condition=models.Q(online_depth__gte=1, online_depth__lte=4),
                name="approvals_item_depth_1_to_4",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "online_depth"])]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self):
        return reverse("approvals:guide", args=[self.code])

    def clean(self):
        super().clean()
        errors = {}
        if self.promised_days and self.statutory_days and self.promised_days > self.statutory_days:
            errors["promised_days"] = _(
                "Promised time limit: %(promised)d working days is longer than the statutory %(statutory)d."
            ) % {"promised": self.promised_days, "statutory": self.statutory_days}
        if self.offline_reason.strip() and self.online_depth > 2:
            errors["online_depth"] = _(
                "Online handling depth: an item handled offline only can be at level 1 or 2 at most."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_offline_only(self) -> bool:
        return bool(self.offline_reason.strip())

    @property
    def can_apply_online(self) -> bool:
        """Return whether citizens can apply for this item online (level 3-4, not offline-only)."""
        return self.is_active and self.online_depth >= 3 and not self.is_offline_only

    @property
    def visits_needed(self) -> int:
        """Return how many visits to the hall the applicant needs."""
        if self.can_apply_online:
            return 0 if self.online_depth == 4 else 1
        return 2


class ServiceMaterial(models.Model):
    """A material an applicant submits for an item."""

    FORMAT_CHOICES = {"pdf": "PDF", "jpg": "JPEG", "png": "PNG"}

    item = models.ForeignKey(ServiceItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    formats = models.CharField(
        _("accepted formats"), max_length=50, default="pdf,jpg,png", help_text=_("Comma-separated: pdf, jpg, png.")
    )
    max_size_mb = models.PositiveSmallIntegerField(
        _("maximum size (MB)"), null=True, blank=True, help_text=_("Empty: the portal's default.")
    )
    explanation = models.TextField(_("explanation"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        ordering = ["item", "sort_order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        unknown = set(self.format_list) - set(self.FORMAT_CHOICES)
        if unknown or not self.format_list:
            errors["formats"] = _("Accepted formats: use pdf, jpg and png only, separated by commas.")
        if self.max_size_mb and self.max_size_mb > settings.UPLOAD_MAX_MB:
            errors["max_size_mb"] = _("Maximum size: the portal accepts at most %(mb)d MB per file.") % {
                "mb": settings.UPLOAD_MAX_MB
            }
        if errors:
            raise ValidationError(errors)

    @property
    def format_list(self) -> list[str]:
        return [f.strip().lower() for f in self.formats.split(",") if f.strip()]

    @property
    def max_bytes(self) -> int:
        mb = self.max_size_mb or settings.UPLOAD_MAX_MB
        return min(mb, settings.UPLOAD_MAX_MB) * 1024 * 1024

    @property
    def formats_display(self) -> str:
        return " / ".join(self.FORMAT_CHOICES.get(f, f.upper()) for f in self.format_list)


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
    from django.utils import translation

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
    applicant_id_number = models.CharField(_("ID number or credit code"), max_length=18)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    delivery_method = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, blank=True)
    delivery_name = models.CharField(_("recipient"), max_length=50, blank=True)
    delivery_phone = models.CharField(_("recipient phone"), max_length=20, blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    agent_name = models.CharField(
        _("authorised agent"), max_length=50, blank=True, help_text=_("Someone the applicant authorises to collect.")
    )
    agent_id_number = models.CharField(
        _("agent's ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
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
            models.Index(fields=["department", "state"]),
            # The clock sweep's range queries: level, then the current deadline.
            models.Index(fields=["due_level", "current_due_at"], name="approvals_app_due_idx"),
            models.Index(fields=["state", "intake_due_at"], name="approvals_app_intake_idx"),
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
    """Store an upload under a random name: the applicant's file name is never a path."""
    return f"materials/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class MaterialFile(models.Model):
    """One uploaded file for one required material of an application."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="files"
    )
    material = models.ForeignKey(
        ServiceMaterial, verbose_name=_("material"), on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
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


class ClockPause(models.Model):
    """A period in which the legal clock does not run (suspension, Art. 45)."""

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
