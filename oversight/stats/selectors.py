"""Reads of the statistics: a period's figures from the snapshot plus the days it does not hold yet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from approvals.models import ServiceItem
from portal.models import Department

from .figures import collect, empty, next_month
from .models import FIGURES, DailyFigures, MonthlyFigures, SnapshotState

# The per-item table lists the items that received most in the period; the rest are in the snapshot.
TOP_ITEMS = 50


def _ratio(part, whole) -> float | None:
    return part / whole if whole else None


def rates(row: dict) -> dict:
    """Return a row of counters with its rates (fractions 0-1, None when nothing was counted)."""
    return {
        **row,
        "speedup": _ratio(row["speedup_sum"], row["concluded"]),
        "on_time_rate": _ratio(row["on_time"], row["concluded"]),
        "average_days": _ratio(row["taken_days"], row["concluded"]),
        "online_share": _ratio(row["received_online"], row["received"]),
        "auto_share": _ratio(row["auto_accepted"], row["accepted"]),
        "reply_on_time_rate": _ratio(row["questions_replied_on_time"], row["questions_replied"]),
        "good_rate": _ratio(row["ratings_good"], row["ratings_counted"]),
    }


@dataclass
class Depth:
    """The online handling depth of the active catalogue (cumulative shares, as the city reports them)."""

    items: int = 0
    by_level: dict = field(default_factory=dict)
    fully_online: int = 0

    def _at_least(self, level: int) -> int:
        return sum(n for depth, n in self.by_level.items() if depth >= level)

    @property
    def share_1_2(self):
        return _ratio(self._at_least(1), self.items)

    @property
    def share_3(self):
        return _ratio(self._at_least(3), self.items)

    @property
    def share_4(self):
        return _ratio(self._at_least(4), self.items)


def catalogue_depth() -> Depth:
    """Return the active items per online depth and how many are fully online (depth 4, no offline reason)."""
    depth = Depth()
    for group in (
        ServiceItem.objects.filter(is_active=True)
        .order_by()
        .values("online_depth")
        .annotate(n=Count("id"), full=Count("id", filter=Q(online_depth=4, offline_reason="")))
    ):
        depth.by_level[group["online_depth"]] = group["n"]
        depth.items += group["n"]
        depth.fully_online += group["full"]
    return depth


@dataclass
class Figures:
    start: date
    end: date
    totals: dict
    departments: list[dict]
    items: list[dict]
    months: list[dict]
    depth: Depth
    live_from: date | None


def _months(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def _add(target: dict, counters: dict) -> None:
    for name in FIGURES:
        target[name] += counters[name] or 0


def _snapshot_sources(start: date, last: date) -> list:
    """Return the snapshot rows of the days start..last: whole months from the roll-up, other days daily."""
    first_whole = start if start.day == 1 else next_month(start)
    after_whole = next_month(last) if (last + timedelta(days=1)).day == 1 else last.replace(day=1)
    if first_whole >= after_whole:
        return [DailyFigures.objects.filter(day__gte=start, day__lte=last)]
    sources = [MonthlyFigures.objects.filter(month__gte=first_whole, month__lt=after_whole)]
    days = Q()
    if start < first_whole:
        days |= Q(day__gte=start, day__lt=first_whole)
    if after_whole <= last:
        days |= Q(day__gte=after_whole, day__lte=last)
    if days:
        sources.append(DailyFigures.objects.filter(days))
    return sources


def stats_for_period(*, start: date, end: date) -> Figures:
    """Return the figures of the local days start..end: totals, per department, per item, per month.

    Days through the snapshot's ``built_through`` are summed in the database per month, department
    and item, whole months from the monthly roll-up (three grouped queries per source, a few hundred
    rows); the later days, today included, are counted live from the records (``figures.collect``).
    """
    today = timezone.localdate()
    end = min(end, today)
    built = SnapshotState.objects.filter(pk=1).values_list("built_through", flat=True).first()
    by_month: dict = {month: empty() for month in _months(start, end)}
    by_department: dict = defaultdict(empty)
    by_item: dict = defaultdict(empty)
    if built is not None and built >= start:
        sums = {name: Sum(name) for name in FIGURES}
        for source in _snapshot_sources(start, min(end, built)):
            source = source.order_by()
            for row in source.values("month").annotate(**sums):
                _add(by_month.setdefault(row["month"], empty()), row)
            for row in source.values("department").annotate(**sums):
                _add(by_department[row["department"]], row)
            for row in source.filter(item__isnull=False).values("item").annotate(**sums):
                _add(by_item[row["item"]], row)
    live_from = max(start, built + timedelta(days=1)) if built is not None else start
    if live_from <= end:
        for (day, department, item), counters in collect(live_from, end).items():
            targets = [by_month.setdefault(day.replace(day=1), empty()), by_department[department]]
            if item is not None:
                targets.append(by_item[item])
            for target in targets:
                _add(target, counters)
    else:
        live_from = None

    totals = empty()
    for counters in by_month.values():
        _add(totals, counters)

    names = dict(Department.objects.order_by().values_list("pk", "name"))
    departments = sorted(
        ({"id": pk, "name": names.get(pk), **rates(row)} for pk, row in by_department.items()),
        key=lambda row: (row["name"] is None, -row["received"], row["name"] or ""),
    )
    top = sorted(by_item, key=lambda pk: (-by_item[pk]["received"], -by_item[pk]["concluded"], pk))[:TOP_ITEMS]
    item_names = {
        row["pk"]: row
        for row in ServiceItem.objects.filter(pk__in=top).values("pk", "code", "name", "department__name")
    }
    items = [
        {
            "id": pk,
            "code": item_names.get(pk, {}).get("code"),
            "name": item_names.get(pk, {}).get("name"),
            "department": item_names.get(pk, {}).get("department__name"),
            **rates(by_item[pk]),
        }
        for pk in top
    ]
    months = [{"month": month, **rates(by_month[month])} for month in sorted(by_month)]
    return Figures(
        start=start,
        end=end,
        totals=rates(totals),
        departments=departments,
        items=items,
        months=months,
        depth=catalogue_depth(),
        live_from=live_from,
    )
