"""Celery tasks of the certificate database."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def certificates_daily() -> str:
    """Mark expired certificates and remind holders 30 days ahead (safe to run twice)."""
    expired, reminded = services.certificates_expire_and_remind()
    return f"{expired} expired, {reminded} reminded"
