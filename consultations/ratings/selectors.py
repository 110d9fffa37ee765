"""Reads of ratings: the published results per department and month."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import BAD_LEVELS, GOOD_LEVELS, Rating


def published_results(*, start: date | None = None, end: date | None = None) -> list[dict]:
    """Return per department and month: ratings counted, good-review rate, bad reviews and how many were
    rectified on time. A rating excluded by an accepted appeal is not counted (it stays stored)."""
    zone = timezone.get_current_timezone()
    ratings = Rating.objects.filter(excluded=False)
    if start is not None:
        ratings = ratings.filter(rated_at__gte=datetime.combine(start, datetime.min.time(), zone))
    if end is not None:
        ratings = ratings.filter(rated_at__lte=datetime.combine(end, datetime.max.time(), zone))
    rows = (
        ratings.annotate(month=TruncMonth("rated_at", tzinfo=zone))
        .values("department", "department__name", "month")
        .annotate(
            counted=Count("id"),
            good=Count("id", filter=Q(level__in=GOOD_LEVELS)),
            bad=Count("id", filter=Q(level__in=BAD_LEVELS)),
            rectified_on_time=Count("id", filter=Q(rectification__closed_on_time=True)),
        )
        .order_by("month", "department__name")
    )
    return [
        {
            "department_id": row["department"],
            "department": row["department__name"],
            "month": row["month"].date() if isinstance(row["month"], datetime) else row["month"],
            "counted": row["counted"],
            "good_rate": round(100 * row["good"] / row["counted"], 2) if row["counted"] else None,
            "bad": row["bad"],
            "rectified_on_time": row["rectified_on_time"],
        }
        for row in rows
    ]
