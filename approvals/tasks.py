"""Celery tasks of approvals: thin wrappers that take ids and call services."""

from celery import shared_task

from . import services
from .disclosure import services as disclosure_services


@shared_task(acks_late=True, soft_time_limit=3000, time_limit=3600)
def batch_approve_run(job_id: int) -> int:
    """Run or resume a batch approval; return how many were approved so far."""
    return services.batch_job_run(job_id=job_id).done


@shared_task(acks_late=True)
def drafts_purge() -> int:
    """Tell owners of drafts about to be purged, and purge the drafts untouched past the retention."""
    return services.drafts_purge().purged


@shared_task(acks_late=True)
def disclosure_publish_pending() -> int:
    """Publish the disclosure records still pending whose holder data is now complete."""
    return disclosure_services.disclosure_publish_pending()
