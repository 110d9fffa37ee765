"""Figures of the hall's appointments for the statistics pages: per window and day, and by hour.

Two queries whatever the range: the bookings grouped by window, day and the hour of their slot,
and the queue numbers grouped by window, day and the hour the visitor arrived (checked in or took
a walk-in number). The day's row adds its hours up, so day and hours always agree.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from .models import Appointment, QueueTicket

COUNTS = ("bookings", "cancelled", "check_ins", "no_shows", "walk_ins", "tickets", "called", "served")
_DURATIONS = ("wait", "service")


def _empty() -> dict:
    row = dict.fromkeys(COUNTS, 0)
    for name in _DURATIONS:
        row[f"{name}_total"] = timedelta(0)
        row[f"{name}_count"] = 0
    return row


def _minutes(total: timedelta, count: int) -> float | None:
    return round(total.total_seconds() / 60 / count, 1) if count else None


def _finish(row: dict) -> dict:
    """Turn the summed durations into averages in minutes."""
    row["average_wait_minutes"] = _minutes(row.pop("wait_total"), row.pop("wait_count"))
    row["average_service_minutes"] = _minutes(row.pop("service_total"), row.pop("service_count"))
    return row


def _as_duration(value) -> timedelta:
    # PostgreSQL returns an interval; SQLite may return microseconds.
    if value is None:
        return timedelta(0)
    return value if isinstance(value, timedelta) else timedelta(microseconds=value)


def appointment_figures(*, start: date | None = None, end: date | None = None) -> list[dict]:
    """Return per window and day: bookings, cancellations, check-ins, no-shows, walk-ins, the average wait
    from check-in to call and the average service time (called to finished), with the same by hour.

    ``start`` and ``end`` are local days, both included. Bookings count by the hour of their slot,
    queue numbers by the hour of arrival. ``bookings`` leaves out cancelled ones (counted apart). The
    wait ends at the last call, the one the visitor answered; the service time counts served numbers
    only. Rows are ordered by day and window number; ``hours`` lists only hours with something in them.
    """
    zone = timezone.get_current_timezone()
    appointments = Appointment.objects.all()
    tickets = QueueTicket.objects.all()
    if start is not None:
        appointments, tickets = appointments.filter(day__gte=start), tickets.filter(day__gte=start)
    if end is not None:
        appointments, tickets = appointments.filter(day__lte=end), tickets.filter(day__lte=end)
    state = Appointment.State
    booked = (
        appointments.annotate(hour=ExtractHour("slot__starts_at", tzinfo=zone))
        .values("counter", "counter__number", "counter__name", "day", "hour")
        .annotate(
            bookings=Count("id", filter=~Q(state=state.CANCELLED)),
            cancelled=Count("id", filter=Q(state=state.CANCELLED)),
            check_ins=Count("id", filter=Q(state=state.CHECKED_IN)),
            no_shows=Count("id", filter=Q(state=state.NO_SHOW)),
        )
        .order_by()
    )
    served = Q(state=QueueTicket.State.SERVED, finished_at__isnull=False)
    queued = (
        tickets.annotate(
            hour=ExtractHour("checked_in_at", tzinfo=zone),
            wait=ExpressionWrapper(F("first_called_at") - F("checked_in_at"), output_field=DurationField()),
            service=ExpressionWrapper(F("finished_at") - F("first_called_at"), output_field=DurationField()),
        )
        .values("counter", "counter__number", "counter__name", "day", "hour")
        .annotate(
            walk_ins=Count("id", filter=Q(walk_in=True)),
            tickets=Count("id"),
            called=Count("id", filter=Q(first_called_at__isnull=False)),
            served=Count("id", filter=served),
            wait_total=Sum("wait", filter=Q(first_called_at__isnull=False)),
            wait_count=Count("id", filter=Q(first_called_at__isnull=False)),
            service_total=Sum("service", filter=served),
            service_count=Count("id", filter=served),
        )
        .order_by()
    )
    days: dict[tuple, dict] = {}
    for group in [*booked, *queued]:
        key = (group["day"], group["counter__number"], group["counter"])
        day_row = days.setdefault(
            key,
            {
                "counter_id": group["counter"],
                "counter": group["counter__number"],
                "counter_name": group["counter__name"],
                "day": group["day"],
                "hours": {},
                **_empty(),
            },
        )
        hour_row = day_row["hours"].setdefault(group["hour"], {"hour": group["hour"], **_empty()})
        for name in COUNTS + ("wait_count", "service_count"):
            if name in group:
                day_row[name] += group[name]
                hour_row[name] += group[name]
        for name in ("wait_total", "service_total"):
            if name in group:
                day_row[name] += _as_duration(group[name])
                hour_row[name] += _as_duration(group[name])
    result = []
    for key in sorted(days):
        row = days[key]
        row["hours"] = [_finish(row["hours"][hour]) for hour in sorted(row["hours"])]
        result.append(_finish(row))
    return result
