"""The code that proves a person holds the mobile on file of the account they register onto."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TakeoverCode(models.Model):
    """One attempt to register onto an existing account, answered by a code sent to its mobile.

    Every registration that names the ID number or credit code of an existing account gets
    one, whether the account was opened at the hall (no password) or already has one: both
    see the same page, so the form tells nobody which kind of account a number has. Only a
    hall account whose name and mobile match what the clerk recorded ``may_take_over``; the
    others get a warning by SMS instead of a code. The code itself is kept only as a hash.
    """

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="takeover_codes"
    )
    may_take_over = models.BooleanField(_("may take over"), default=False)
    code_hash = models.CharField(_("code (hashed)"), max_length=128)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    sms_count = models.PositiveSmallIntegerField(_("text messages sent"), default=0)
    last_sent_at = models.DateTimeField(_("last text message"), null=True, blank=True)
    completed_at = models.DateTimeField(_("taken over"), null=True, blank=True)

    class Meta:
        verbose_name = _("account takeover code")
        verbose_name_plural = _("account takeover codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "created_at"], name="portal_takeover_account_idx")]

    def __str__(self):
        return f"{self.account_id} {self.created_at:%Y-%m-%d %H:%M:%S}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def was_sent(self) -> bool:
        """Return whether a text message ever went out for this code: one that never did cannot be typed."""
        return self.last_sent_at is not None

    @property
    def tries_left(self) -> int:
        return max(settings.TAKEOVER_CODE_TRIES - self.attempts, 0)
