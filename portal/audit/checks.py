"""System checks of the audit trail."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from .retention import MINIMUM_RETENTION_DAYS, retention_days


@register()
def audit_retention_check(app_configs, **kwargs):
    """Refuse to start with a retention below the legal minimum."""
    try:
        retention_days()
    except ImproperlyConfigured as error:
        return [Error(str(error), hint=f"AUDIT_RETENTION_DAYS={MINIMUM_RETENTION_DAYS} or more", id="portal.E101")]
    return []
