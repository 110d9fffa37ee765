"""The audit table: one append-only row per accountable event."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what, to which record, when, from which address, with which outcome.

    The actor is kept by id and name, not by foreign key: deleting an account must neither
    delete nor update its audit rows.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out")
        LOGOUT = "logout", _("Logout")
        SECOND_FACTOR = "second_factor", _("Second factor")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PERMISSION_DENIED = "permission_denied", _("Permission denied")
        DOCUMENT_VIEWED = "document_viewed", _("ID document viewed or downloaded")
        PERSONAL_DATA_SHOWN = "personal_data_shown", _("Personal data shown unmasked")
        ADMIN_CHANGE = "admin_change", _("Change in the admin")
        ROLE_GRANTED = "role_granted", _("Role or department granted")
        ACCOUNT_TAKEOVER = "account_takeover", _("Hall account taken over online")
        EXPORT = "export", _("Export")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    actor_roles = models.CharField(_("actor's roles"), max_length=200, blank=True)
    target_type = models.CharField(_("record type"), max_length=100, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_repr = models.CharField(_("record"), max_length=200, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["action", "created_at"], name="portal_audit_action_idx"),
            models.Index(fields=["target_type", "target_id"], name="portal_audit_target_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit records are deleted only by the retention purge.")
