"""Who read a certificate: public verifications, and look-ups of another department's certificates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .certificates import Certificate


class VerificationLog(models.Model):
    """One public verification of a certificate: when, and a hash of the address (not the address)."""

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="verifications",
    )
    found = models.BooleanField(_("found"))
    address_hash = models.CharField(_("address (hashed)"), max_length=64)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.certificate_id or '-'}"


class CertificateAccess(models.Model):
    """A look-up of another department's certificate (集中共享): who, when, and why."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE, related_name="accesses"
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("certificate look-up")
        verbose_name_plural = _("certificate look-ups")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} {self.certificate_id} {self.created_at:%Y-%m-%d %H:%M}"
