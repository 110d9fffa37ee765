"""Celery tasks of the portal core: thin wrappers that take ids and call services."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone, translation

from . import services
from .audit.retention import audit_purge
from .clock import coverage, sweep
from .models import Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def notification_email_send(notification_id: int) -> bool:
    """Send one notification's e-mail (safe to run twice)."""
    return services.notification_email_deliver(notification_id=notification_id)


@shared_task
def notifications_outbox_sweep(older_than_seconds: int = 120) -> int:
    """Send e-mails of notifications still unsent (broker or mail server was down); return how many."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = Notification.objects.filter(
        email_sent_at__isnull=True, created_at__lt=cutoff, email_attempts__lt=10, user__email__gt=""
    ).values_list("pk", flat=True)[:500]
    sent = 0
    for notification_id in pending:
        try:
            sent += services.notification_email_deliver(notification_id=notification_id)
        except OSError:
            continue
    return sent


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def clock_sweep_run() -> str:
    """Run the one sweep over every registered clock (safe to run twice or concurrently)."""
    return str(sweep.run())


@shared_task(acks_late=True)
def calendar_coverage_check(days: int = 60) -> int:
    """Alert supervisors if the calendar lacks official data for the coming days; return how many."""
    return len(coverage.calendar_coverage_check(days=days))


@shared_task(acks_late=True)
def audit_purge_run() -> dict[str, int]:
    """Delete audit rows and login logs older than AUDIT_RETENTION_DAYS (safe to run twice)."""
    return audit_purge()


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def password_reset_email_send(email: str, language: str) -> None:
    """Send the reset link to the accounts of an e-mail address, if any (off the request: its timing tells nothing)."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    base_url = settings.PORTAL_BASE_URL
    with translation.override(language):
        form.save(
            domain_override=base_url.split("://", 1)[-1],
            use_https=base_url.startswith("https://"),
            extra_email_context={"base_url": base_url},
        )
