"""The one vocabulary of deadline levels, shared by every clock."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    NORMAL = "normal", _("On time")
    WARNING = "warning", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


ORDER = [Level.NORMAL, Level.WARNING, Level.OVERDUE]


def rank(level: str) -> int:
    """Return how serious a level is: 0 normal, 1 warning, 2 overdue."""
    return ORDER.index(level)
