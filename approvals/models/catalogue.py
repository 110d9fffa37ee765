"""The service catalogue (事项): items with their guide and the materials they require."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import Department, District

from ..schema import validate_schema


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

    class DisclosureExemption(models.TextChoices):
        """Why an item's decisions are not published (Art. 5 of the Administrative Licensing Law)."""

        STATE_SECRET = "state_secret", _("State secret")
        COMMERCIAL_SECRET = "commercial_secret", _("Commercial secret")
        PERSONAL_PRIVACY = "personal_privacy", _("Personal privacy")

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
    disclosure_exemption = models.CharField(
        _("not disclosed because"),
        max_length=20,
        choices=DisclosureExemption.choices,
        blank=True,
        help_text=_(
            "Art. 5: decisions of an item touching state secrets, commercial secrets or personal privacy are "
            "withheld from the public disclosure. Empty: decisions are published."
        ),
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
