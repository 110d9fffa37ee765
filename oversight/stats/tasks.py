"""The statistics' beat task: thin, it calls the service."""

from celery import shared_task

from .services import stats_refresh


@shared_task(acks_late=True)
def stats_refresh_run() -> dict:
    """Bring the daily snapshot of the statistics up to yesterday."""
    result = stats_refresh()
    return {"start": str(result.start), "end": str(result.end), "rows": result.rows}
