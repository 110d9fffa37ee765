"""System checks of the portal core: settings a deployment must get right before it serves."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from .clock.hours import parse_hours


@register()
def hall_hours_check(app_configs, **kwargs):
    """Refuse to start with hall hours the legal clock cannot count with."""
    try:
        parse_hours(settings.HALL_HOURS)
    except ImproperlyConfigured as error:
        return [Error(str(error), hint="For example: HALL_HOURS=09:00-12:00,13:30-17:00", id="portal.E001")]
    return []
