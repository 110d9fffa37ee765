"""The retention of the audit trail: rows are kept at least the legal minimum, then purged."""

from datetime import timedelta

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from ..takeover.models import TakeoverCode
from .models import AuditEvent

# Codes to take over a hall account count towards the daily limits for 24 hours; every try is
# in the audit trail, so the codes themselves are kept only a week.
TAKEOVER_CODE_DAYS = 7

# The Cybersecurity Law (Art. 21) asks network logs be kept at least six months; 184 days
# covers any six calendar months. The PostgreSQL trigger (migration portal 0008) holds the same floor.
MINIMUM_RETENTION_DAYS = 184


def retention_days() -> int:
    """Return AUDIT_RETENTION_DAYS; refuse a value below the legal minimum."""
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)
    if not isinstance(days, int) or days < MINIMUM_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS must be a whole number of at least {MINIMUM_RETENTION_DAYS} days, not {days!r}."
        )
    return days


def audit_purge(*, now=None) -> dict[str, int]:
    """Delete audit rows and django-axes login logs older than the retention, and takeover codes
    older than a week; return how many of each."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    # QuerySet.delete() runs no model delete(): AuditEvent.delete() refuses single rows on purpose.
    audit, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    logins, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    codes, _ = TakeoverCode.objects.filter(created_at__lt=now - timedelta(days=TAKEOVER_CODE_DAYS)).delete()
    return {"audit": audit, "access_log": logins, "access_failure_log": failures, "takeover_code": codes}
