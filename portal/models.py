"""Shared core records: users, departments, districts and the working-day calendar."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import masking
from .audit.models import AuditEvent  # noqa: F401  (the audit trail's table lives with the audit package)
from .clock.models import ClockAlert  # noqa: F401  (the legal clock's alert table lives with the clock)
from .fields import EncryptedCharField, LookupHashField
from .personal_centre import PersonalRowsQuerySet
from .takeover.models import TakeoverCode  # noqa: F401  (codes to take over a hall account, with the flow)
from .validators import (
    normalize_credit_code,
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


class Department(models.Model):
    """A government department that owns approval items (e.g. 住房和城乡建设局)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    phone = models.CharField(_("service phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class District(models.Model):
    """An administrative district of the city; items with no district are city-level."""

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """Create an administrator; superusers are staff accounts, not citizens."""
        extra_fields.setdefault("kind", User.Kind.STAFF)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account: a citizen, an enterprise or a member of staff."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ENTERPRISE = "enterprise", _("Enterprise")
        STAFF = "staff", _("Staff")

    kind = models.CharField(_("account kind"), max_length=12, choices=Kind.choices, default=Kind.CITIZEN)
    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    # Encrypted at rest, found by keyed hash (portal/personal_data.py); the credit code is a
    # public enterprise identifier, printed on the business licence, and stays in clear.
    id_number = EncryptedCharField(_("resident ID number"), max_length=18, blank=True, validators=[validate_id_number])
    id_number_hash = LookupHashField("id_number")
    organization_name = models.CharField(_("enterprise name"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    mobile = EncryptedCharField(_("mobile number"), max_length=11, blank=True, validators=[validate_mobile])
    mobile_hash = LookupHashField("mobile")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("For reviewers: the department whose applications they may see."),
    )
    # 工号: how the public sees a member of staff who answers them (never the full name).
    staff_number = models.CharField(
        _("staff number"),
        max_length=20,
        blank=True,
        help_text=_("Shown to the public instead of the name, e.g. to a citizen whose question this person handles."),
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an administrator sets the password: every page leads to the password change until then."),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Separated duties: granting roles and resetting passwords are permissions of their own,
        # held by different roles than the one that edits accounts (change_user).
        permissions = [
            ("grant_roles", _("Can grant roles, departments and staff status")),
            ("set_staff_password", _("Can reset the password of a staff account")),
            ("set_public_password", _("Can reset the password of a citizen or enterprise account")),
        ]
        constraints = [
            # The column holds tokens (each different): uniqueness is the keyed hash's.
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="portal_user_unique_id_number",
                violation_error_message=_("ID number: another account already has this ID number."),
            ),
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="portal_user_unique_credit_code"
            ),
            models.UniqueConstraint(
                fields=["staff_number"],
                condition=~Q(staff_number=""),
                name="portal_user_unique_staff_number",
                violation_error_message=_("Staff number: another account already has this staff number."),
            ),
            # An empty ID number is stored empty (not encrypted), so this still reads the column.
            models.CheckConstraint(
                condition=~Q(kind="citizen") | ~Q(id_number=""),
                name="portal_user_citizen_has_id_number",
                violation_error_message=_("A citizen account needs a resident ID number."),
            ),
        ]

    def __str__(self):
        return self.display_name or self.username

    @property
    def display_name(self) -> str:
        """Return the name shown to others: the enterprise name or the person's name."""
        if self.kind == self.Kind.ENTERPRISE and self.organization_name:
            return self.organization_name
        return self.real_name or self.get_full_name()

    @property
    def masked_id_number(self) -> str:
        return masking.mask_id_number(self.id_number)

    @property
    def masked_credit_code(self) -> str:
        return masking.mask_id_number(self.credit_code)

    @property
    def masked_mobile(self) -> str:
        return masking.mask_mobile(self.mobile)

    def validate_constraints(self, exclude=None):
        # A form never shows id_number_hash, so Django would skip its uniqueness: check it
        # whenever the ID number itself is validated.
        if exclude is not None and "id_number" not in exclude:
            exclude = set(exclude) - {"id_number_hash"}
        super().validate_constraints(exclude=exclude)

    def clean(self):
        super().clean()
        self.id_number = normalize_id_number(self.id_number)
        self.credit_code = normalize_credit_code(self.credit_code)
        errors = {}
        if self.kind == self.Kind.CITIZEN and not self.id_number:
            errors["id_number"] = _("ID number: required for a citizen account.")
        if self.kind == self.Kind.ENTERPRISE:
            if not self.credit_code:
                errors["credit_code"] = _("Unified social credit code: required for an enterprise account.")
            if not self.organization_name:
                errors["organization_name"] = _("Enterprise name: required for an enterprise account.")
        if self.kind != self.Kind.STAFF and self.department_id:
            errors["department"] = _("Department: only staff accounts belong to a department.")
        if errors:
            raise ValidationError(errors)


class CalendarDay(models.Model):
    """One day of the official working-day calendar (holidays and make-up working days)."""

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"


class Notification(models.Model):
    """A message to a user, shown in the personal centre and sent by e-mail (the outbox).

    The row is written in the same transaction as the change it reports; a Celery task
    sends the e-mail after commit, and a periodic task retries the ones still unsent, so
    nothing is lost when the broker or the mail server is briefly unreachable.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    email_sending_since = models.DateTimeField(_("e-mail being sent since"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)

    objects = PersonalRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["email_sent_at", "created_at"], name="portal_notif_outbox_idx")]

    def __str__(self):
        return self.title
