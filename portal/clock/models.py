"""The one alert table of the legal clock (re-exported by portal.models)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .levels import Level


class ClockAlert(models.Model):
    """One alert that a tracked object reached a deadline level: at most one per object, clock, level and round."""

    clock = models.CharField(_("clock"), max_length=40, help_text=_("The name the clock was registered with."))
    object_id = models.PositiveBigIntegerField(_("object"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    # A clock that starts again on the same object (a question forwarded or re-opened) counts its
    # rounds, so each round alerts once per level; a clock that never restarts stays at round 0.
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    deadline = models.DateTimeField(_("deadline"))
    created_at = models.DateTimeField(_("raised"), auto_now_add=True, db_index=True)

    class Meta:
        app_label = "portal"
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "object_id", "level", "round"], name="portal_clock_alert_once"),
        ]

    def __str__(self):
        return f"{self.clock}:{self.object_id} {self.level}"
