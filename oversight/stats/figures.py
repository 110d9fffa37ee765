"""The city's figures counted live from every app's records: aggregate queries only, grouped by day,
department and item.

``collect(start, end)`` feeds both the snapshot (``services.stats_rebuild``) and the page's days that
the snapshot does not hold yet (today), so the two paths count alike. Each event is counted on its
own local day (``TIME_ZONE``): an application is received on the day of submission, accepted on the
day of acceptance, concluded on the day of its decision, so a past day's counts rarely change. The
definitions are in docs/statistics.md.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from approvals.models import Application, ClockPause, State
from consultations.models import Appointment, Question, Rating
from consultations.ratings.models import GOOD_LEVELS
from licenses.models import Certificate, PrintJob
from portal.clock import calendar

from .models import COUNTERS

CONCLUDED = (State.APPROVED, State.DENIED)

Key = tuple[date, int | None, int | None]


def empty() -> dict:
    """Return a row of counters at zero."""
    return {**dict.fromkeys(COUNTERS, 0), "speedup_sum": 0.0}


def next_month(day: date) -> date:
    """Return the first day of the month after the day's."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _bounds(field: str, start: date | None, end: date | None) -> Q:
    """Return the filter of a timestamp field on the local days start..end, both included (None: open)."""
    zone = timezone.get_current_timezone()
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field}__gte": datetime.combine(start, time.min, zone)})
    if end is not None:
        condition &= Q(**{f"{field}__lt": datetime.combine(end + timedelta(days=1), time.min, zone)})
    return condition


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _as_date(value) -> date:
    # SQLite may hand back the truncated date as a string.
    return date.fromisoformat(value) if isinstance(value, str) else value


def working_day_ordinals(days) -> dict[date, int]:
    """Return, for each day, its number of working days since the earliest one (the core calendar).

    The difference of two ordinals is ``calendar.working_days_between``: the working days after the
    first day up to and including the second, as the legal clock counts.
    """
    days = {d for d in days if d is not None}
    if not days:
        return {}
    work = calendar.get_calendar()
    first, last = min(days), max(days)
    ordinals, count = {}, 0
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        if offset and work.is_workday(day):
            count += 1
        ordinals[day] = count
    return ordinals


def collect(start: date | None, end: date | None) -> dict[Key, dict]:
    """Return the counters per (local day, department id, item id) for the days start..end (None: open)."""
    rows: dict[Key, dict] = defaultdict(empty)

    def add(key: Key, **counts) -> None:
        row = rows[key]
        for name, value in counts.items():
            row[name] += value or 0

    applications = Application.objects.order_by()
    for group in (
        applications.filter(_bounds("submitted_at", start, end))
        .values("department", "item", day=_day("submitted_at"))
        .annotate(n=Count("id"), online=Count("id", filter=Q(channel=Application.Channel.ONLINE)))
    ):
        add(
            (_as_date(group["day"]), group["department"], group["item"]),
            received=group["n"],
            received_online=group["online"],
        )

    for group in (
        applications.filter(_bounds("accepted_at", start, end))
        .values("department", "item", day=_day("accepted_at"))
        .annotate(n=Count("id"), auto=Count("id", filter=Q(auto_accepted=True)))
    ):
        add(
            (_as_date(group["day"]), group["department"], group["item"]),
            accepted=group["n"],
            auto_accepted=group["auto"],
        )

    # Concluded: grouped by the day of acceptance too, so that the working days taken are a difference
    # of two working-day ordinals per group instead of a count per application.
    concluded = list(
        applications.filter(_bounds("decided_at", start, end), state__in=CONCLUDED, accepted_at__isnull=False)
        .values("department", "item", "item__statutory_days", day=_day("decided_at"), accepted=_day("accepted_at"))
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(decided_at__lte=F("promised_due_at"))))
    )
    # Art. 45 suspensions of those applications do not count (correction pauses end before acceptance).
    pauses = list(
        ClockPause.objects.order_by()
        .filter(
            _bounds("application__decided_at", start, end),
            application__state__in=CONCLUDED,
            application__accepted_at__isnull=False,
            ended_at__isnull=False,
        )
        .exclude(kind=ClockPause.Kind.CORRECTION)
        .values(
            department=F("application__department"),
            item=F("application__item"),
            day=_day("application__decided_at"),
            paused=_day("started_at"),
            resumed=_day("ended_at"),
        )
        .annotate(n=Count("id"))
    )
    ordinals = working_day_ordinals(
        [_as_date(g[name]) for g in concluded for name in ("day", "accepted")]
        + [_as_date(g[name]) for g in pauses for name in ("paused", "resumed")]
    )
    statutory: dict[Key, int] = {}
    for group in concluded:
        key = (_as_date(group["day"]), group["department"], group["item"])
        taken = ordinals[key[0]] - ordinals[_as_date(group["accepted"])]
        add(key, concluded=group["n"], on_time=group["on_time"], taken_days=group["n"] * taken)
        statutory[key] = group["item__statutory_days"]
    for group in pauses:
        key = (_as_date(group["day"]), group["department"], group["item"])
        add(key, taken_days=-group["n"] * (ordinals[_as_date(group["resumed"])] - ordinals[_as_date(group["paused"])]))
    # Σ (statutory − taken) / statutory over a group of one item is n − Σ taken / statutory.
    for key, days in statutory.items():
        rows[key]["speedup_sum"] = rows[key]["concluded"] - rows[key]["taken_days"] / days

    for group in (
        Certificate.objects.order_by()
        .filter(_bounds("issued_at", start, end), sequence__isnull=False)
        .values("department", item=F("source_application__item"), day=_day("issued_at"))
        .annotate(n=Count("id"))
    ):
        add((_as_date(group["day"]), group["department"], group["item"]), certificates_issued=group["n"])

    for group in (
        PrintJob.objects.order_by()
        .filter(_bounds("delivered_at", start, end), delivery_method=PrintJob.Delivery.COURIER)
        .values(department=F("certificate__department"), item=F("application__item"), day=_day("delivered_at"))
        .annotate(n=Count("id"))
    ):
        add((_as_date(group["day"]), group["department"], group["item"]), delivered_free=group["n"])

    for group in (
        Question.objects.order_by()
        .filter(_bounds("first_reply_at", start, end))
        .values("department", "item", day=_day("first_reply_at"))
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(answered_on_time=True)))
    ):
        add(
            (_as_date(group["day"]), group["department"], group["item"]),
            questions_replied=group["n"],
            questions_replied_on_time=group["on_time"],
        )

    appointments = Appointment.objects.order_by().filter(
        state__in=[Appointment.State.CHECKED_IN, Appointment.State.NO_SHOW]
    )
    if start is not None:
        appointments = appointments.filter(day__gte=start)
    if end is not None:
        appointments = appointments.filter(day__lte=end)
    for group in appointments.values("day", "item", department=F("item__department")).annotate(
        served=Count("id", filter=Q(state=Appointment.State.CHECKED_IN)),
        no_show=Count("id", filter=Q(state=Appointment.State.NO_SHOW)),
    ):
        add(
            (_as_date(group["day"]), group["department"], group["item"]),
            appointments_served=group["served"],
            appointments_no_show=group["no_show"],
        )

    for group in (
        Rating.objects.order_by()
        .filter(_bounds("rated_at", start, end), excluded=False)
        .values("department", "item", day=_day("rated_at"))
        .annotate(n=Count("id"), good=Count("id", filter=Q(level__in=GOOD_LEVELS)))
    ):
        add(
            (_as_date(group["day"]), group["department"], group["item"]),
            ratings_counted=group["n"],
            ratings_good=group["good"],
        )

    return dict(rows)
