"""The certificate database (批文证照库): types, the items and materials they serve, certificates, numbering."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from approvals.models import Application, ServiceItem
from portal import masking
from portal.fields import EncryptedCharField, LookupHashField
from portal.models import Department
from portal.personal_centre import PersonalRowsQuerySet

# Where a printed field takes its value from, in the source application.
FIELD_SOURCES = {
    "applicant_name": _("Applicant name"),
    "applicant_id_number": _("ID number or credit code (masked)"),
    "item_name": _("Item name"),
    "reference": _("Application reference"),
    "delivery_address": _("Address"),
}


def validate_printed_fields(value) -> None:
    """Check the list of printed fields: label plus a source (a known one, or form:<key>)."""
    if not isinstance(value, list):
        raise ValidationError(_("Printed fields: a list of {label, source} objects."))
    for position, field in enumerate(value, start=1):
        if not isinstance(field, dict) or not str(field.get("label", "")).strip():
            raise ValidationError(_("Printed field %(n)d: a label is required.") % {"n": position})
        source = field.get("source", "")
        if source not in FIELD_SOURCES and not str(source).startswith("form:"):
            raise ValidationError(
                _("Printed field %(n)d: the source must be one of %(sources)s, or form:<extra field key>.")
                % {"n": position, "sources": ", ".join(FIELD_SOURCES)}
            )


class CertificateType(models.Model):
    """A kind of certificate or approval document (证照类型), e.g. 建筑工程施工许可证."""

    class Layout(models.TextChoices):
        PERMIT = "permit", _("Permit (portrait, with seal)")
        APPROVAL = "approval", _("Approval document")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    department = models.ForeignKey(
        Department, verbose_name=_("issuing department"), on_delete=models.PROTECT, related_name="certificate_types"
    )
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"), null=True, blank=True, help_text=_("Empty for a permanent certificate.")
    )
    number_prefix = models.CharField(_("number prefix"), max_length=20)
    printed_fields = models.JSONField(
        _("printed fields"), default=list, blank=True, validators=[validate_printed_fields]
    )
    layout = models.CharField(_("layout"), max_length=20, choices=Layout.choices, default=Layout.PERMIT)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["department__sort_order", "code"]

    def __str__(self):
        return self.name


class ItemCertificate(models.Model):
    """The certificate type a service item produces (filing items produce none)."""

    item = models.OneToOneField(
        ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE, related_name="certificate_link"
    )
    certificate_type = models.ForeignKey(
        CertificateType, verbose_name=_("certificate type"), on_delete=models.PROTECT, related_name="item_links"
    )

    class Meta:
        verbose_name = _("item producing a certificate")
        verbose_name_plural = _("items producing certificates")

    def __str__(self):
        return f"{self.item} → {self.certificate_type}"


class CertificateCounter(models.Model):
    """The last number issued for a type in a year; its row lock keeps numbers gapless."""

    certificate_type = models.ForeignKey(CertificateType, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate number counter")
        verbose_name_plural = _("certificate number counters")
        constraints = [models.UniqueConstraint(fields=["certificate_type", "year"], name="licenses_counter_type_year")]

    def __str__(self):
        return f"{self.certificate_type_id}/{self.year}: {self.last}"


def new_token() -> str:
    """Return a verification token: 192 random bits, not derived from the number."""
    return secrets.token_urlsafe(24)


class Certificate(models.Model):
    """One certificate in the city-wide database, with every change kept in its history."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUSPENDED = "suspended", pgettext_lazy("certificate", "Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded")

    number = models.CharField(_("number"), max_length=60, unique=True)
    certificate_type = models.ForeignKey(
        CertificateType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="certificates"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(
        _("sequence"), null=True, blank=True, help_text=_("Empty for imported certificates.")
    )
    holder_name = models.CharField(_("holder"), max_length=200)
    # Encrypted at rest, found by keyed hash (portal/personal_data.py).
    holder_id_number = EncryptedCharField(_("holder ID number or credit code"), max_length=18)
    holder_id_number_hash = LookupHashField("holder_id_number")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    department = models.ForeignKey(Department, verbose_name=_("issuing department"), on_delete=models.PROTECT)
    data = models.JSONField(_("printed data"), default=list, blank=True, help_text=_("[label, value] pairs, in order."))
    issued_at = models.DateTimeField(_("issued"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID, db_index=True)
    status_reason = models.TextField(_("reason of the status"), blank=True)
    token = models.CharField(_("verification token"), max_length=64, unique=True, default=new_token, editable=False)
    # The verification QR code, encoded once at issuance (licenses/qr.py); empty until it is stored.
    qr_code = models.TextField(_("verification QR code"), blank=True, default="", editable=False)
    source_application = models.OneToOneField(
        Application,
        verbose_name=_("source application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
    )
    replaces = models.OneToOneField(
        "self", verbose_name=_("replaces"), on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    # The QR code encodes the token: neither is copied into the history.
    history = HistoricalRecords(excluded_fields=["token", "qr_code"])

    objects = PersonalRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        permissions = [
            ("manage_certificate", _("Can suspend, reinstate and revoke certificates of the own department")),
            ("search_certificates", _("Can search the certificates of every department (logged)")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_type", "year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="licenses_number_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            # The list's order, and the statistics' certificates issued per day.
            models.Index(fields=["issued_at", "id"], name="licenses_cert_issued_idx"),
            # A department's list (CertificateAdmin.get_queryset) in the same order, read backwards.
            models.Index(fields=["department", "issued_at", "id"], name="licenses_cert_dept_issued_idx"),
        ]

    def __str__(self):
        return f"{self.certificate_type.name} {self.number}"

    @property
    def masked_holder_id(self) -> str:
        return masking.mask_id_number(self.holder_id_number)

    @property
    def verify_path(self) -> str:
        return f"/verify/{self.token}/"


class ExpiryNotice(models.Model):
    """The one notice sent to a holder before a certificate expires."""

    certificate = models.OneToOneField(
        Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE, related_name="expiry_notice"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("expiry notice")
        verbose_name_plural = _("expiry notices")

    def __str__(self):
        return str(self.certificate)


class MaterialCertificate(models.Model):
    """A required material that a certificate of the city stands in for (证照免提交)."""

    material = models.OneToOneField(
        "approvals.ServiceMaterial",
        verbose_name=_("material"),
        on_delete=models.CASCADE,
        related_name="certificate_source",
    )
    certificate_type = models.ForeignKey(
        CertificateType, verbose_name=_("certificate type"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("material provided by a certificate")
        verbose_name_plural = _("materials provided by certificates")

    def __str__(self):
        return f"{self.material} ← {self.certificate_type}"
