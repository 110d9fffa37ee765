"""Celery tasks of the certificate database."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def certificates_daily() -> str:
    """Mark expired certificates and remind holders 30 days ahead (safe to run twice)."""
    expired, reminded = services.certificates_expire_and_remind()
    return f"{expired} expired, {reminded} reminded"


@shared_task(acks_late=True)
def certificates_qr_store(certificate_ids: list[int]) -> int:
    """Store the verification QR codes of certificates just issued (queued when their approval commits)."""
    return services.certificates_qr_store(certificate_ids)


@shared_task(acks_late=True, soft_time_limit=3000, time_limit=3600)
def print_batch_run(batch_id: int) -> str:
    """Print a batch into one PDF (large batches run here, with a progress bar in the admin)."""
    return services.print_batch_run(batch_id=batch_id).status
