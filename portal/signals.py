"""Signal receivers of the portal core."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .clock import calendar
from .models import CalendarDay


@receiver([post_save, post_delete], sender=CalendarDay)
def calendar_day_changed(sender, **kwargs):
    """Make every process reload the working-day calendar."""
    calendar.invalidate()
