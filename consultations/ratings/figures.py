"""Figures of service evaluation for the published results and the statistics pages.

Grouped by any of department, item, month and service kind, for a period. Aggregate queries
only: one over the ratings, and one per kind of service over the services that ended (the
share not rated); Python then adds the groups up, never the ratings one by one.

- ``counted``: ratings not excluded by an accepted appeal, by the month they were given;
- ``good_rate``: 非常满意 + 满意 + 基本满意 over ``counted``, in percent (None without ratings);
- ``bad``, ``rectified_on_time``: bad reviews counted, and of them the ones closed within the limit;
- ``concluded``, ``not_rated``, ``not_rated_share``: services that ended in the period (by the
  month they ended) and those nobody rated (an excluded rating still is a rating).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from approvals.models import Application, ServiceItem, State
from portal.models import Department

from ..appointments.models import QueueTicket
from ..questions.models import Question
from .models import BAD_LEVELS, GOOD_LEVELS, Rating, ServiceKind

GROUPS = ("department", "item", "month", "kind")
COUNTS = ("counted", "good", "bad", "rectified_on_time", "concluded", "not_rated")


def _bounds(start: date | None, end: date | None):
    zone = timezone.get_current_timezone()
    low = datetime.combine(start, datetime.min.time(), zone) if start else None
    high = datetime.combine(end, datetime.max.time(), zone) if end else None
    return low, high


def _within(queryset, field: str, low, high):
    if low is not None:
        queryset = queryset.filter(**{f"{field}__gte": low})
    if high is not None:
        queryset = queryset.filter(**{f"{field}__lte": high})
    return queryset


def _rating_groups(by, low, high):
    """Return the ratings' aggregates per group (one query)."""
    zone = timezone.get_current_timezone()
    ratings = _within(Rating.objects.filter(excluded=False), "rated_at", low, high).annotate(
        month=TruncMonth("rated_at", tzinfo=zone)
    )
    return (
        ratings.values(*_columns(by, {"department": "department", "item": "item", "kind": "kind"}))
        .annotate(
            counted=Count("id"),
            good=Count("id", filter=Q(level__in=GOOD_LEVELS)),
            bad=Count("id", filter=Q(level__in=BAD_LEVELS)),
            rectified_on_time=Count("id", filter=Q(rectification__closed_on_time=True)),
        )
        .order_by()
    )


def _columns(by, fields: dict) -> list[str]:
    columns = []
    for group in by:
        if group == "month":
            columns.append("month")
        elif group == "kind":
            if "kind" in fields:
                columns.append("kind")
        else:
            columns.append(fields[group])
    return columns


def _concluded_groups(by, low, high):
    """Yield (kind, aggregates) of the services that ended, per group: one query per kind of service."""
    zone = timezone.get_current_timezone()
    # Applications decided (approved, denied, rejected), or withdrawn once accepted.
    applications = Application.objects.filter(
        Q(state__in=(State.APPROVED, State.DENIED, State.REJECTED), decided_at__isnull=False)
        | Q(state=State.WITHDRAWN, accepted_at__isnull=False, withdrawn_at__isnull=False)
    ).annotate(ended_at=Coalesce("decided_at", "withdrawn_at"))
    questions = Question.objects.filter(first_reply_at__isnull=False, asker__isnull=False).annotate(
        ended_at=F("first_reply_at")
    )
    # Only a booked visit is rated (a walk-in number has nobody to ask).
    tickets = QueueTicket.objects.filter(
        state=QueueTicket.State.SERVED, appointment__isnull=False, finished_at__isnull=False
    ).annotate(ended_at=F("finished_at"))
    sources = [
        (ServiceKind.APPLICATION, applications, {"department": "department", "item": "item"}, "application"),
        (ServiceKind.QUESTION, questions, {"department": "department", "item": "item"}, "question"),
        (
            ServiceKind.APPOINTMENT,
            tickets,
            {"department": "appointment__item__department", "item": "appointment__item"},
            "appointment",
        ),
    ]
    for kind, services, fields, link in sources:
        rated = Rating.objects.filter(**{link: OuterRef("appointment" if link == "appointment" else "pk")})
        services = _within(services, "ended_at", low, high).annotate(month=TruncMonth("ended_at", tzinfo=zone))
        columns = _columns(by, fields)
        rows = (
            services.values(*columns)
            .annotate(concluded=Count("id"), not_rated=Count("id", filter=~Exists(rated)))
            .order_by()
        )
        for row in rows:
            yield (
                kind,
                {
                    **{
                        group: row[column]
                        for group, column in zip([g for g in by if g != "kind"], columns, strict=True)
                    },
                    "concluded": row["concluded"],
                    "not_rated": row["not_rated"],
                },
            )


def _month(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).date().replace(day=1) if timezone.is_aware(value) else value.date()
    return value


def rating_figures(
    *, start: date | None = None, end: date | None = None, by: tuple[str, ...] = ("department", "month")
) -> list[dict]:
    """Return the figures of service evaluation per group of ``by`` (department, item, month, kind).

    ``start`` and ``end`` are local days, both included. A department or item None is the hall's
    general window (or a service without an item). Rows are ordered by month, then names.
    """
    unknown = set(by) - set(GROUPS)
    if unknown:
        raise ValueError(f"Cannot group ratings by {sorted(unknown)}")
    low, high = _bounds(start, end)
    rows: dict[tuple, dict] = {}

    def row_for(values: dict) -> dict:
        key = tuple(_month(values[g]) if g == "month" else values[g] for g in by)
        return rows.setdefault(key, {**dict(zip(by, key, strict=True)), **dict.fromkeys(COUNTS, 0)})

    for group in _rating_groups(by, low, high):
        row = row_for(group)
        for name in ("counted", "good", "bad", "rectified_on_time"):
            row[name] += group[name]
    for kind, group in _concluded_groups(by, low, high):
        row = row_for({**group, "kind": kind})
        row["concluded"] += group["concluded"]
        row["not_rated"] += group["not_rated"]
    return _named(by, [finish(row) for row in rows.values()])


def finish(row: dict) -> dict:
    """Add the rates to a row of sums (also used to add months up into a department's total)."""
    row["good_rate"] = round(100 * row["good"] / row["counted"], 2) if row["counted"] else None
    row["not_rated_share"] = round(100 * row["not_rated"] / row["concluded"], 2) if row["concluded"] else None
    return row


def _named(by, rows: list[dict]) -> list[dict]:
    """Give each department and item its id and name (one small query each), then sort by month and names."""
    names = {}
    if "department" in by:
        ids = {row["department"] for row in rows} - {None}
        names["department"] = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    if "item" in by:
        ids = {row["item"] for row in rows} - {None}
        names["item"] = dict(ServiceItem.objects.filter(pk__in=ids).values_list("pk", "name"))
    for row in rows:
        for group, found in names.items():
            row[f"{group}_id"] = row[group]
            row[group] = found.get(row[group], "")
    return sorted(
        rows,
        key=lambda row: (
            row.get("month") or date.min,
            row.get("department") or "",
            row.get("item") or "",
            row.get("kind") or "",
        ),
    )
