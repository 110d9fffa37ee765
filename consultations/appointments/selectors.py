"""Reads of appointments the pages share: one's own bookings, free days and times, the hall's call display."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from approvals.models import Application, ServiceItem
from portal.models import User

from .models import Appointment, Counter, QueueTicket, Slot


def appointment_get_for_user(user: User, code: str) -> Appointment:
    """Return the holder's own appointment by its code; anyone else (staff included) gets a 404."""
    if not user.is_authenticated:
        raise Http404
    found = (
        Appointment.objects.select_related("slot", "counter", "item", "application")
        .filter(code=(code or "").strip().upper(), holder=user)
        .first()
    )
    if found is None:
        raise Http404
    return found


def application_of(user: User, reference: str) -> Application | None:
    """Return one of the person's own applications by its reference (None for anyone else's)."""
    if not reference:
        return None
    return Application.objects.select_related("item").filter(reference=reference, applicant=user).first()


def bookable_items():
    """Return the active items some active window serves (for choosing what to book)."""
    counters = Counter.objects.filter(is_active=True, rule__isnull=False)
    return (
        ServiceItem.objects.filter(is_active=True)
        .filter(Q(pk__in=counters.values("items")) | Q(department__in=counters.values("departments")))
        .select_related("department")
        .order_by("department__sort_order", "code")
    )


@dataclass(frozen=True)
class FreeDay:
    day: date
    free: int


def free_days(counter: Counter, *, now: datetime | None = None) -> list[FreeDay]:
    """Return the days one may book at a window now, with their free online places (one query)."""
    now = now or timezone.now()
    rule = counter.rule
    today = timezone.localdate(now)
    rows = (
        Slot.objects.filter(
            counter=counter,
            is_closed=False,
            starts_at__gt=now,
            day__range=(today + timedelta(days=rule.book_from_days), today + timedelta(days=rule.book_until_days)),
            booked_online__lt=F("online_capacity"),
        )
        .values("day")
        .annotate(free=Sum(F("online_capacity") - F("booked_online")))
        .order_by("day")
    )
    return [FreeDay(day=row["day"], free=row["free"]) for row in rows]


def free_slots(counter: Counter, day: date, *, now: datetime | None = None) -> list[Slot]:
    """Return the window's slots on a day that still have a free online place."""
    now = now or timezone.now()
    return list(
        Slot.objects.filter(
            counter=counter, day=day, is_closed=False, starts_at__gt=now, booked_online__lt=F("online_capacity")
        ).order_by("starts_at")
    )


def appointments_of(user: User, *, today: date | None = None):
    """Return the person's appointments: the coming active ones first (soonest first), then the rest, latest first."""
    today = today or timezone.localdate()
    coming = Q(state__in=[Appointment.State.BOOKED, Appointment.State.CHECKED_IN], day__gte=today)
    return (
        Appointment.objects.filter(holder=user)
        .select_related("slot", "counter", "item", "application")
        .annotate(coming=Case(When(coming, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by(
            "coming",
            Case(When(coming, then=F("slot__starts_at"))).asc(nulls_last=True),
            F("slot__starts_at").desc(),
            "-pk",
        )
    )


def tickets_called_now(*, today: date | None = None):
    """Return today's numbers being called now, the latest call first, with their window."""
    today = today or timezone.localdate()
    return (
        QueueTicket.objects.filter(day=today, state=QueueTicket.State.CALLED)
        .select_related("counter")
        .only("label", "calls", "called_at", "counter__number", "counter__name", "counter__location")
        .order_by("-called_at", "-pk")
    )


def tickets_called_before(*, today: date | None = None, limit: int = 8):
    """Return the last numbers called today that are no longer being called (served or missed)."""
    today = today or timezone.localdate()
    return (
        QueueTicket.objects.filter(
            day=today, state__in=[QueueTicket.State.SERVED, QueueTicket.State.MISSED], called_at__isnull=False
        )
        .select_related("counter")
        .only("label", "called_at", "counter__number", "counter__name")
        .order_by("-called_at", "-pk")[:limit]
    )
