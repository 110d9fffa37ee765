"""Writes of the statistics: (re)building the daily snapshot and its monthly roll-up from the live aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .figures import collect, next_month
from .models import FIGURES, DailyFigures, MonthlyFigures, SnapshotState

BATCH = 5000


@dataclass(frozen=True)
class RebuildResult:
    start: date | None
    end: date
    rows: int


COLUMNS = ("day", "month", "department_id", "item_id", *FIGURES)


def _insert(rows: dict) -> None:
    """Insert the snapshot rows: one multi-row INSERT per batch on PostgreSQL, bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        # bulk_create builds a model per row; at city scale (100,000+ rows) that alone takes a minute.
        from psycopg2.extras import execute_values  # noqa: PLC0415 - PostgreSQL only

        values = [
            (day, day.replace(day=1), department, item, *(c[name] for name in FIGURES))
            for (day, department, item), c in rows.items()
        ]
        with connection.cursor() as cursor:
            execute_values(
                cursor.cursor,
                # Table and column names are the model's own constants; the values go as parameters.
                f"INSERT INTO {DailyFigures._meta.db_table} ({', '.join(COLUMNS)}) VALUES %s",  # noqa: S608
                values,
                page_size=BATCH,
            )
            # Fresh statistics for the planner: after a full rebuild it would otherwise expect a few rows a day.
            cursor.execute(f"ANALYZE {DailyFigures._meta.db_table}")
        return
    DailyFigures.objects.bulk_create(
        [
            DailyFigures(day=d, month=d.replace(day=1), department_id=dep, item_id=item, **c)
            for (d, dep, item), c in rows.items()
        ],
        batch_size=BATCH,
    )


def _roll_up(start: date | None, end: date) -> None:
    """Rebuild the monthly roll-up of every month that holds a day of start..end from its daily rows.

    One INSERT … SELECT … GROUP BY in the database: a month's rows never pass through Python.
    """
    first = start.replace(day=1) if start is not None else None
    after = next_month(end)
    stale = MonthlyFigures.objects.filter(month__lt=after)
    days = Q(day__lt=after)
    if first is not None:
        stale = stale.filter(month__gte=first)
        days &= Q(day__gte=first)
    stale.delete()
    daily = DailyFigures.objects.filter(days).order_by()
    where, params = daily.query.get_compiler(connection=connection).compile(daily.query.where)
    columns = ("month", "department_id", "item_id")
    sums = ", ".join(f"SUM({name})" for name in FIGURES)
    with connection.cursor() as cursor:
        cursor.execute(
            # Table and column names are the models' own constants; the dates go as parameters.
            f"INSERT INTO {MonthlyFigures._meta.db_table} ({', '.join(columns + FIGURES)}) "  # noqa: S608
            f"SELECT {', '.join(columns)}, {sums} FROM {DailyFigures._meta.db_table} "
            f"WHERE {where} GROUP BY {', '.join(columns)}",
            params,
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {MonthlyFigures._meta.db_table}")


def _state_locked() -> SnapshotState:
    """Return the snapshot's state row, locked: one rebuild at a time writes the snapshot."""
    SnapshotState.objects.get_or_create(pk=1)
    return SnapshotState.objects.select_for_update().get(pk=1)


def stats_rebuild(*, start: date | None = None, end: date | None = None) -> RebuildResult:
    """Rebuild the snapshot for the local days start..end (default: every day through yesterday).

    The days are replaced in one transaction, so the page never reads half a snapshot; the page
    counts the days after ``built_through`` live.
    """
    today = timezone.localdate()
    end = min(end or today - timedelta(days=1), today - timedelta(days=1))
    with transaction.atomic():
        state = _state_locked()
        stale = DailyFigures.objects.filter(day__lte=end)
        if start is not None:
            stale = stale.filter(day__gte=start)
        stale.delete()
        rows = collect(start, end)
        _insert(rows)
        _roll_up(start, end)
        # Built through `end` only if every day before it is in the snapshot too.
        if start is None or (state.built_through is not None and state.built_through >= start - timedelta(days=1)):
            state.built_through = max(end, state.built_through or end)
        state.built_at = timezone.now()
        state.save()
    return RebuildResult(start=start, end=end, rows=len(rows))


def stats_refresh() -> RebuildResult:
    """Rebuild the last STATS_REFRESH_DAYS days through yesterday (all days if never built).

    Late changes to a past day (a rating excluded on appeal, a no-show marked after midnight, a
    calendar day corrected) are caught while they fall within the window; older ones by the command.
    """
    today = timezone.localdate()
    built = SnapshotState.objects.filter(pk=1).values_list("built_through", flat=True).first()
    if built is None:
        return stats_rebuild()
    start = min(today - timedelta(days=settings.STATS_REFRESH_DAYS), built + timedelta(days=1))
    return stats_rebuild(start=start)
