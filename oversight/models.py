"""Models of oversight, re-exported from their packages."""

from .stats.models import DailyFigures, MonthlyFigures, SnapshotState
from .supervision.models import Supervision

__all__ = ["DailyFigures", "MonthlyFigures", "SnapshotState", "Supervision"]
