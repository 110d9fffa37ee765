"""Celery tasks of approvals: thin wrappers that take ids and call services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=3000, time_limit=3600)
def batch_approve_run(job_id: int) -> int:
    """Run or resume a batch approval; return how many were approved so far."""
    return services.batch_job_run(job_id=job_id).done


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def sla_sweep_run() -> str:
    """Run the SLA sweep (safe to run twice or concurrently)."""
    from . import sla

    return str(sla.sla_sweep())


@shared_task(acks_late=True)
def calendar_coverage_check(days: int = 60) -> int:
    """Alert supervisors if the calendar lacks official data for the coming days; return how many."""
    from . import sla

    return len(sla.calendar_coverage_check(days=days))
