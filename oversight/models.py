"""Models of oversight, re-exported from their packages."""

from .stats.models import DailyFigures, SnapshotState

__all__ = ["DailyFigures", "SnapshotState"]
