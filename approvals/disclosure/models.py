"""The published-decision record: what the public may know of one decision or certificate change."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.clock.levels import Level
from portal.models import Department

from ..models.applications import Application
from ..models.catalogue import ServiceItem

Exemption = ServiceItem.DisclosureExemption

# A certificate's status as the public reads it (licenses.Certificate.Status; approvals never imports licenses).
CERTIFICATE_STATUS = {
    "valid": _("Valid"),
    "suspended": pgettext_lazy("certificate", "Suspended"),
    "revoked": _("Revoked"),
    "expired": _("Expired"),
    "superseded": _("Superseded"),
}


class PublishedDecision(models.Model):
    """One licensing decision (approved, denied) or certificate change (revoked, suspended, expired), as published.

    Only what the public may know is stored: an enterprise's name and credit code, a natural
    person's masked name (张*) and nothing of their ID number.
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        REVOKED = "revoked", _("Certificate revoked")
        SUSPENDED = "suspended", _("Certificate suspended")
        EXPIRED = "expired", _("Certificate expired")

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("disclosure", "Awaiting publication")
        PUBLISHED = "published", _("Published")
        WITHHELD = "withheld", _("Withheld (Art. 5)")

    class HolderKind(models.TextChoices):
        PERSON = "person", _("Natural person")
        ENTERPRISE = "enterprise", _("Enterprise")

    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    state = models.CharField(_("publication"), max_length=10, choices=State.choices, default=State.PENDING)
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("item"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"))
    holder_kind = models.CharField(_("holder kind"), max_length=10, choices=HolderKind.choices, blank=True)
    holder_name = models.CharField(_("holder (as published)"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    # The certificate, by id and number: approvals never imports licenses, so no foreign key.
    certificate_id = models.PositiveBigIntegerField(_("certificate id"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_valid_from = models.DateField(_("valid from"), null=True, blank=True)
    certificate_valid_until = models.DateField(_("valid until"), null=True, blank=True)
    certificate_status = models.CharField(
        _("certificate status"),
        max_length=12,
        blank=True,
        help_text=_("The certificate's status now, on the row of the decision that issued it."),
    )
    publish_due_at = models.DateTimeField(_("to be published by"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withheld_reason = models.CharField(_("withheld because"), max_length=20, choices=Exemption.choices, blank=True)
    problem = models.CharField(
        _("why not yet published"), max_length=300, blank=True, help_text=_("Set while publication is pending.")
    )
    # The publication clock (approvals/disclosure/clock.py): set while pending, None once published or withheld.
    current_due_at = models.DateTimeField(_("current deadline"), null=True, blank=True)
    due_level = models.CharField(_("time-limit status"), max_length=10, choices=Level.choices, default=Level.NORMAL)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("published decision")
        verbose_name_plural = _("published decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            # One record per decision of an application: a replayed approval records nothing twice.
            models.UniqueConstraint(
                fields=["application", "decision"],
                condition=Q(decision__in=["approved", "denied"]),
                name="approvals_disclosure_one_per_decision",
            ),
        ]
        # The public page reads published rows only, newest first; each search has its index,
        # partial on the published rows. See docs/disclosure.md.
        indexes = [
            models.Index(fields=["-decided_at", "-id"], condition=Q(state="published"), name="disclosure_pub_newest"),
            models.Index(
                fields=["department", "-decided_at", "-id"], condition=Q(state="published"), name="disclosure_pub_dept"
            ),
            models.Index(
                fields=["item", "-decided_at", "-id"], condition=Q(state="published"), name="disclosure_pub_item"
            ),
            models.Index(
                fields=["credit_code", "-decided_at"],
                condition=Q(state="published") & ~Q(credit_code=""),
                name="disclosure_pub_credit",
            ),
            models.Index(
                fields=["certificate_number"],
                condition=Q(state="published") & ~Q(certificate_number=""),
                name="disclosure_pub_cert",
            ),
            # Prefix search on the name (LIKE 'x%'): pattern operators on PostgreSQL, ignored elsewhere.
            models.Index(
                fields=["holder_name"],
                opclasses=["varchar_pattern_ops"],
                condition=Q(state="published"),
                name="disclosure_pub_name",
            ),
            models.Index(fields=["certificate_id"], name="disclosure_certificate"),
            models.Index(fields=["current_due_at"], condition=Q(state="pending"), name="disclosure_pending_due"),
            # The core clock's sweep and the supervisors' dashboard: open rows by level, then deadline.
            models.Index(fields=["due_level", "current_due_at"], name="disclosure_due_level"),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} {self.holder_name} {self.decided_at:%Y-%m-%d}"

    @property
    def certificate_status_label(self) -> str:
        return str(CERTIFICATE_STATUS.get(self.certificate_status, self.certificate_status))

    @property
    def certificate_revoked(self) -> bool:
        return self.certificate_status == "revoked"
