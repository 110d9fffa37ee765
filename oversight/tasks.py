"""Celery tasks of oversight (found by ``autodiscover_tasks``, which imports ``<app>.tasks``)."""

# --- statistics ---
from .stats.tasks import stats_refresh_run

__all__ = ["stats_refresh_run"]
