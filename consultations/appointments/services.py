"""Every change of the hall's appointments, used alike by the pages, the admin, the tasks and the demo.

Booking never oversells: it locks the person's account row (their own limits), then the slot row,
re-checks the places inside the same transaction and counts the booking on the slot; a check
constraint on the slot is the last guard. The lock order (account, then slots by id) is the same
in every service, so two bookings never wait on each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from approvals.models import Application, ServiceItem
from portal.clock import calendar as calendars
from portal.clock import hours as hall_hours
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import User
from portal.services import notification_send

from ..ratings import services as ratings
from ..ratings.models import ServiceKind
from .models import Appointment, BookingSuspension, Closure, Counter, QueueTicket, Slot


class SlotTaken(AlreadyHandled):
    """The time was just taken by someone else; ``alternatives`` are the next free slots of the window."""

    def __init__(self, message: str, alternatives: list[Slot]):
        super().__init__(message)
        self.alternatives = alternatives


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- slots ----------------------------------------------------------------------------------


def opens_on(counter: Counter, day: date, *, calendar=None, closed_days: set | None = None) -> bool:
    """Return whether the window takes appointments on a day: a working day it opens on, and not closed."""
    calendar = calendar or calendars.get_calendar()
    if not calendar.is_workday(day):
        return False  # holidays and weekends, unless the calendar makes the day a working day
    weekend = day.isoweekday() >= 6  # a make-up working day (调休) is open whatever the weekdays say
    if not weekend and day.isoweekday() not in counter.rule.weekday_set:
        return False
    return not (closed_days and day in closed_days)


def slot_times(counter: Counter, day: date) -> list[tuple[datetime, datetime]]:
    """Return the start and end of every slot of a window on a day, within its hours and lunch break."""
    zone = timezone.get_current_timezone()
    length = timedelta(minutes=counter.rule.slot_minutes)
    times = []
    for opens, closes in hall_hours.parse_hours(counter.rule.hours):
        start = datetime.combine(day, opens, zone)
        end = datetime.combine(day, closes, zone)
        while start + length <= end:
            times.append((start, start + length))
            start += length
    return times


def slots_generate(*, counter: Counter, start: date, end: date) -> int:
    """Create the window's missing slots for the open days from start to end (safe to run again); return how many."""
    calendar = calendars.get_calendar()
    closed = set(
        Closure.objects.filter(Q(counter=counter) | Q(counter__isnull=True), day__range=(start, end)).values_list(
            "day", flat=True
        )
    )
    rule = counter.rule
    rows = []
    day = start
    while day <= end:
        if opens_on(counter, day, calendar=calendar, closed_days=closed):
            rows += [
                Slot(
                    counter=counter,
                    day=day,
                    starts_at=begins,
                    ends_at=ends,
                    online_capacity=rule.online_capacity,
                    staff_capacity=rule.staff_capacity,
                )
                for begins, ends in slot_times(counter, day)
            ]
        day += timedelta(days=1)
    before = Slot.objects.filter(counter=counter, day__range=(start, end)).count()
    Slot.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)  # existing slots stay as they are
    return Slot.objects.filter(counter=counter, day__range=(start, end)).count() - before


def slots_generate_ahead(*, today: date | None = None) -> int:
    """Generate every active window's slots for the days one may book (the beat task's work)."""
    today = today or timezone.localdate()
    total = 0
    for counter in Counter.objects.filter(is_active=True, rule__isnull=False).select_related("rule"):
        total += slots_generate(counter=counter, start=today, end=today + timedelta(days=counter.rule.book_until_days))
    return total


def rule_changed(*, counter: Counter, today: date | None = None) -> None:
    """After an opening rule changed: drop the future slots nobody booked, and generate them anew."""
    today = today or timezone.localdate()
    # A slot whose bookings were all cancelled is still referenced by them (PROTECT): it stays.
    Slot.objects.filter(
        counter=counter, day__gt=today, booked_online=0, booked_staff=0, appointments__isnull=True
    ).delete()
    slots_generate(
        counter=counter, start=today + timedelta(days=1), end=today + timedelta(days=counter.rule.book_until_days)
    )


@transaction.atomic
def closure_add(*, counter: Counter | None, day: date, reason: str, actor: User) -> Closure:
    """Close a window (or the whole hall) for a day: its slots close, and every holder is told to choose a new time."""
    if not reason.strip():
        raise ActionRefused(_("Give the reason for the closure: the people who booked are told."))
    try:
        with transaction.atomic():
            closure = Closure.objects.create(counter=counter, day=day, reason=reason.strip(), created_by=actor)
    except IntegrityError:
        raise AlreadyHandled(_("This day is already closed.")) from None
    slots = Slot.objects.filter(day=day)
    if counter is not None:
        slots = slots.filter(counter=counter)
    slots.update(is_closed=True)
    affected = list(
        Appointment.objects.filter(slot__in=slots, state=Appointment.State.BOOKED).select_related("holder", "counter")
    )
    # One write flags them all; each holder is then told.
    Appointment.objects.filter(pk__in=[a.pk for a in affected]).update(closure_flagged=True)
    for appointment in affected:
        notification_send(
            user=appointment.holder,
            kind="appointment_closure",
            title=_("Window %(counter)s is closed on %(day)s: please choose a new time for appointment %(code)s.")
            % {"counter": appointment.counter.number, "day": date_format(day, "DATE_FORMAT"), "code": appointment.code},
            body=reason.strip(),
            link=reverse("consultations:appointment", args=[appointment.code]),
        )
    return closure


# --- booking --------------------------------------------------------------------------------


def counters_for(item: ServiceItem | None):
    """Return the active windows that serve an item (every active window when none is named)."""
    counters = Counter.objects.filter(is_active=True, rule__isnull=False)
    if item is None:
        return counters
    return counters.filter(Q(items=item) | Q(departments=item.department_id)).distinct()


def suspension_of(user: User, today: date | None = None) -> BookingSuspension | None:
    """Return the person's suspension of online booking in force today, if any."""
    today = today or timezone.localdate()
    return (
        BookingSuspension.objects.filter(user=user, starts_on__lte=today, ends_on__gte=today)
        .order_by("-ends_on")
        .first()
    )


def next_free(slot: Slot, *, count: int = 3, now: datetime | None = None) -> list[Slot]:
    """Return the next free online slots of the same window after a slot."""
    return list(
        Slot.objects.filter(
            counter_id=slot.counter_id,
            starts_at__gt=max(slot.starts_at, _now(now)),
            is_closed=False,
            booked_online__lt=F("online_capacity"),
        ).order_by("starts_at")[:count]
    )


def _bookable_window(slot: Slot, now: datetime) -> None:
    rule = slot.counter.rule
    today = timezone.localdate(now)
    if slot.is_closed:
        raise ActionRefused(_("The window is closed at that time; choose another day."))
    if slot.starts_at <= now:
        raise ActionRefused(_("That time has passed; choose a later one."))
    if not (today + timedelta(days=rule.book_from_days) <= slot.day <= today + timedelta(days=rule.book_until_days)):
        raise ActionRefused(
            _("Appointments at this window are booked from %(first)s to %(last)s days ahead.")
            % {"first": rule.book_from_days, "last": rule.book_until_days}
        )


@transaction.atomic
def appointment_book(
    *,
    holder: User,
    slot_id: int,
    item: ServiceItem | None = None,
    application: Application | None = None,
    booked_by: User | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book a place in a slot for a person: online by themselves, or by staff (phone or window) in the staff places."""
    now = _now(now)
    by_staff = booked_by is not None and booked_by.is_staff
    if holder.kind not in (User.Kind.CITIZEN, User.Kind.ENTERPRISE):
        raise ActionRefused(_("Appointments are booked for citizens and enterprises."))
    if application is not None:
        if application.applicant_id != holder.pk:
            raise ActionRefused(_("The application you referred to is not one of yours."))
        item = item or application.item
    # The person's row first: their own limits hold against their own double clicks.
    User.objects.select_for_update().filter(pk=holder.pk).first()
    if not by_staff:
        suspended = suspension_of(holder, timezone.localdate(now))
        if suspended is not None:
            raise ActionRefused(
                _(
                    "Online booking is suspended until %(day)s after %(count)s missed appointments; "
                    "call the hall or come to the window to book."
                )
                % {"day": date_format(suspended.ends_on, "DATE_FORMAT"), "count": suspended.no_shows}
            )
    open_count = Appointment.objects.filter(
        holder=holder, state=Appointment.State.BOOKED, day__gte=timezone.localdate(now)
    ).count()
    if open_count >= settings.APPOINTMENT_MAX_OPEN:
        raise ActionRefused(
            _("You already hold %(count)s open appointments, the most one person may hold; cancel one first.")
            % {"count": open_count}
        )
    slot = Slot.objects.select_for_update(of=("self",)).select_related("counter__rule").get(pk=slot_id)
    if not by_staff:
        _bookable_window(slot, now)
    elif slot.is_closed or slot.starts_at <= now:
        raise ActionRefused(_("The window is closed at that time, or the time has passed."))
    if item is not None and not counters_for(item).filter(pk=slot.counter_id).exists():
        raise ActionRefused(_("This window does not serve the item; choose one of the windows offered."))
    if (
        item is not None
        and Appointment.objects.filter(
            holder=holder, item=item, day=slot.day, state__in=[Appointment.State.BOOKED, Appointment.State.CHECKED_IN]
        ).exists()
    ):
        raise AlreadyHandled(_("You already have an appointment for this item on that day."))
    if by_staff and slot.booked_staff < slot.staff_capacity:
        Slot.objects.filter(pk=slot.pk).update(booked_staff=F("booked_staff") + 1)
    elif slot.booked_online < slot.online_capacity:
        Slot.objects.filter(pk=slot.pk).update(booked_online=F("booked_online") + 1)
    else:
        raise SlotTaken(
            _("That time was just taken. The next free times of this window are offered below."),
            next_free(slot, now=now),
        )
    appointment = Appointment.objects.create(
        slot=slot,
        counter_id=slot.counter_id,
        day=slot.day,
        holder=holder,
        item=item,
        application=application,
        channel=Appointment.Channel.STAFF if by_staff else Appointment.Channel.ONLINE,
        booked_by=booked_by,
        booked_at=now,
    )
    notification_send(
        user=holder,
        kind="appointment_booked",
        title=_("Appointment %(code)s: window %(counter)s, %(when)s.")
        % {"code": appointment.code, "counter": slot.counter.number, "when": _local(slot.starts_at)},
        link=appointment.get_absolute_url(),
    )
    return appointment


def _release_place(appointment: Appointment) -> None:
    field = "booked_staff" if appointment.channel == Appointment.Channel.STAFF else "booked_online"
    Slot.objects.filter(pk=appointment.slot_id, **{f"{field}__gt": 0}).update(**{field: F(field) - 1})


def _changeable(appointment: Appointment, now: datetime) -> None:
    if appointment.state != Appointment.State.BOOKED:
        raise AlreadyHandled(
            _("Appointment %(code)s is %(state)s; it can no longer be changed.")
            % {"code": appointment.code, "state": appointment.get_state_display()}
        )
    limit = appointment.slot.starts_at - timedelta(hours=settings.APPOINTMENT_CHANGE_UNTIL_HOURS)
    if now > limit and not appointment.closure_flagged:
        raise ActionRefused(
            _("Appointments can be changed or cancelled until %(hours)s hours before their time.")
            % {"hours": settings.APPOINTMENT_CHANGE_UNTIL_HOURS}
        )


def _lock_appointment(appointment_id: int) -> Appointment:
    appointment = Appointment.objects.select_related("slot").get(pk=appointment_id)
    User.objects.select_for_update().filter(pk=appointment.holder_id).first()
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot", "counter", "holder")
        .get(pk=appointment_id)
    )


@transaction.atomic
def appointment_cancel(*, appointment_id: int, actor: User | None = None, now: datetime | None = None) -> Appointment:
    """Cancel a booking; its place becomes free again."""
    now = _now(now)
    appointment = _lock_appointment(appointment_id)
    _changeable(appointment, now)
    Slot.objects.select_for_update().filter(pk=appointment.slot_id).first()
    _release_place(appointment)
    Appointment.objects.filter(pk=appointment.pk).update(state=Appointment.State.CANCELLED, cancelled_at=now)
    appointment.refresh_from_db()
    return appointment


def appointment_cancel_by_code(*, code: str, id_tail: str, now: datetime | None = None) -> Appointment:
    """Cancel from a link, with the confirmation code and the last four characters of the holder's ID number."""
    appointment = Appointment.objects.select_related("holder").filter(code=code.strip().upper()).first()
    tail = (id_tail or "").strip().upper()
    if appointment is None or len(tail) != 4 or holder_id_tail(appointment.holder) != tail:
        raise ActionRefused(_("The confirmation code and the last four characters of the ID number do not match."))
    return appointment_cancel(appointment_id=appointment.pk, now=now)


def holder_id_tail(holder: User) -> str:
    """Return the last four characters of the holder's ID number (or credit code for an enterprise)."""
    number = holder.credit_code if holder.kind == User.Kind.ENTERPRISE else holder.id_number
    return (number or "")[-4:].upper()


@transaction.atomic
def appointment_change(*, appointment_id: int, slot_id: int, now: datetime | None = None) -> Appointment:
    """Move a booking to another slot of a window serving its item, in one transaction (the old place freed)."""
    now = _now(now)
    appointment = _lock_appointment(appointment_id)
    _changeable(appointment, now)
    if slot_id == appointment.slot_id:
        raise ActionRefused(_("That is the time already booked."))
    # Slots locked in id order, as every service does, so two changes never wait on each other.
    list(Slot.objects.select_for_update().filter(pk__in=[slot_id, appointment.slot_id]).order_by("pk"))
    Appointment.objects.filter(pk=appointment.pk).update(state=Appointment.State.CANCELLED, cancelled_at=now)
    _release_place(appointment)
    return appointment_book(
        holder=appointment.holder,
        slot_id=slot_id,
        item=appointment.item,
        application=appointment.application,
        booked_by=appointment.booked_by,
        now=now,
    )


# --- reminders and no-shows ----------------------------------------------------------------


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind, once, every holder of a booking on the next working day; return how many were sent."""
    now = _now(now)
    today = timezone.localdate(now)
    tomorrow = calendars.get_calendar().add_working_days(today, 1)
    sent = 0
    due = Appointment.objects.filter(state=Appointment.State.BOOKED, day=tomorrow, reminder_sent_at__isnull=True)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # Claim the row: a second run (or a second worker) finds it claimed and moves on.
            if not Appointment.objects.filter(
                pk=pk, state=Appointment.State.BOOKED, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now):
                continue
            appointment = Appointment.objects.select_related("slot", "counter", "holder").get(pk=pk)
            notification_send(
                user=appointment.holder,
                kind="appointment_reminder",
                title=_("Reminder: appointment %(code)s at window %(counter)s, %(when)s.")
                % {
                    "code": appointment.code,
                    "counter": appointment.counter.number,
                    "when": _local(appointment.slot.starts_at),
                },
                link=appointment.get_absolute_url(),
            )
            sent += 1
    return sent


@dataclass
class NoShowResult:
    no_shows: int = 0
    suspended: int = 0


def no_shows_mark(*, today: date | None = None) -> NoShowResult:
    """Mark as no-shows the bookings of past days never checked in, and suspend repeat no-shows.

    A booking whose window closed that day is not the holder's fault: it ends cancelled, not a no-show.
    """
    today = today or timezone.localdate()
    result = NoShowResult()
    late = Appointment.objects.filter(state=Appointment.State.BOOKED, day__lt=today)
    late.filter(closure_flagged=True).update(state=Appointment.State.CANCELLED, cancelled_at=timezone.now())
    for pk, holder_id in list(late.filter(closure_flagged=False).values_list("pk", "holder_id")):
        with transaction.atomic():
            if not Appointment.objects.filter(pk=pk, state=Appointment.State.BOOKED).update(
                state=Appointment.State.NO_SHOW
            ):
                continue
            result.no_shows += 1
            result.suspended += _suspend_if_repeated(holder_id, today)
    return result


def _suspend_if_repeated(holder_id: int, today: date) -> bool:
    User.objects.select_for_update().filter(pk=holder_id).first()
    if BookingSuspension.objects.filter(user_id=holder_id, ends_on__gte=today).exists():
        return False
    since = today - timedelta(days=settings.APPOINTMENT_NO_SHOW_WINDOW_DAYS)
    count = Appointment.objects.filter(holder_id=holder_id, state=Appointment.State.NO_SHOW, day__gte=since).count()
    if count < settings.APPOINTMENT_NO_SHOW_LIMIT:
        return False
    until = today + timedelta(days=settings.APPOINTMENT_SUSPENSION_DAYS)
    BookingSuspension.objects.create(user_id=holder_id, starts_on=today, ends_on=until, no_shows=count)
    notification_send(
        user=User.objects.get(pk=holder_id),
        kind="appointment_suspended",
        title=_("Online booking suspended until %(day)s") % {"day": date_format(until, "DATE_FORMAT")},
        body=_(
            "You missed %(count)s appointments within %(window)s days without cancelling them. Until %(day)s you "
            "can book by calling the hall or at the window; after that, online booking opens again."
        )
        % {
            "count": count,
            "window": settings.APPOINTMENT_NO_SHOW_WINDOW_DAYS,
            "day": date_format(until, "DATE_FORMAT"),
        },
        link=reverse("me"),
    )
    return True


# --- at the hall ----------------------------------------------------------------------------


def _slot_start_of(counter: Counter, moment: datetime) -> datetime:
    """Return the start of the slot an instant falls in (for a walk-in's place in the queue)."""
    for begins, ends in slot_times(counter, timezone.localdate(moment)):
        if begins <= moment < ends:
            return begins
    return moment


def _issue(
    counter: Counter, *, day: date, name: str, serve_from: datetime, walk_in: bool, actor: User, now, appointment=None
):
    Counter.objects.select_for_update().filter(pk=counter.pk).first()  # numbers of one window are handed out one by one
    last = (
        QueueTicket.objects.filter(counter=counter, day=day)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    number = (last or 0) + 1
    return QueueTicket.objects.create(
        counter=counter,
        day=day,
        number=number,
        label=f"{counter.prefix}{number:03d}",
        appointment=appointment,
        name=name,
        serve_from=serve_from,
        walk_in=walk_in,
        checked_in_at=now,
        issued_by=actor,
    )


@transaction.atomic
def check_in(*, appointment_id: int, actor: User, now: datetime | None = None) -> QueueTicket:
    """Check a booked visitor in (identity checked on screen by the clerk) and give them a queue number."""
    now = _now(now)
    appointment = _lock_appointment(appointment_id)
    if appointment.state == Appointment.State.CHECKED_IN:
        raise AlreadyHandled(
            _("Appointment %(code)s is already checked in: queue number %(label)s.")
            % {"code": appointment.code, "label": appointment.ticket.label}
        )
    if appointment.state != Appointment.State.BOOKED:
        raise ActionRefused(
            _("Appointment %(code)s is %(state)s.")
            % {"code": appointment.code, "state": appointment.get_state_display()}
        )
    if appointment.day != timezone.localdate(now):
        raise ActionRefused(
            _("Appointment %(code)s is for %(day)s, not today.")
            % {"code": appointment.code, "day": date_format(appointment.day, "DATE_FORMAT")}
        )
    Appointment.objects.filter(pk=appointment.pk).update(state=Appointment.State.CHECKED_IN, checked_in_at=now)
    return _issue(
        appointment.counter,
        day=appointment.day,
        name=appointment.holder.display_name,
        serve_from=appointment.slot.starts_at,
        walk_in=False,
        actor=actor,
        now=now,
        appointment=appointment,
    )


@transaction.atomic
def walk_in_ticket(*, counter: Counter, name: str, actor: User, now: datetime | None = None) -> QueueTicket:
    """Give a visitor without a booking a number of the window's queue (after the booked ones of their slot)."""
    now = _now(now)
    if not name.strip():
        raise ActionRefused(_("Type the visitor's name."))
    return _issue(
        counter,
        day=timezone.localdate(now),
        name=name.strip(),
        serve_from=_slot_start_of(counter, now),
        walk_in=True,
        actor=actor,
        now=now,
    )


def queue_order(tickets):
    """Order waiting numbers: by the slot they belong to, the booked before walk-ins within a slot, then by number."""
    return tickets.order_by("serve_from", "walk_in", "number")


@transaction.atomic
def call_next(*, counter: Counter, actor: User, now: datetime | None = None) -> QueueTicket | None:
    """Call the next waiting number of the window (None when nobody waits).

    One number is called at a time: while one is being called, a second click (or a colleague at the same
    window) is told to finish it first. The window's row is locked, so two clicks cannot both call.
    """
    now = _now(now)
    day = timezone.localdate(now)
    Counter.objects.select_for_update().filter(pk=counter.pk).first()
    current = QueueTicket.objects.filter(counter=counter, day=day, state=QueueTicket.State.CALLED).first()
    if current is not None:
        raise AlreadyHandled(
            _("Number %(label)s is being called: mark it served or missed before calling the next.")
            % {"label": current.label}
        )
    waiting = queue_order(QueueTicket.objects.filter(counter=counter, day=day, state=QueueTicket.State.WAITING))
    ticket = waiting.first()
    if ticket is None:
        return None
    QueueTicket.objects.filter(pk=ticket.pk).update(
        state=QueueTicket.State.CALLED, calls=1, first_called_at=now, called_at=now, called_by=actor
    )
    ticket.refresh_from_db()
    return ticket


@transaction.atomic
def recall(*, ticket_id: int, actor: User, now: datetime | None = None) -> QueueTicket:
    """Call a number again; after the last call without an answer it is marked missed."""
    now = _now(now)
    ticket = QueueTicket.objects.select_for_update().get(pk=ticket_id)
    if ticket.state != QueueTicket.State.CALLED:
        raise AlreadyHandled(_("Number %(label)s is not being called.") % {"label": ticket.label})
    if ticket.calls >= settings.APPOINTMENT_MISSED_AFTER_CALLS:
        raise ActionRefused(
            _("Number %(label)s was called %(calls)s times: mark it missed.")
            % {"label": ticket.label, "calls": ticket.calls}
        )
    QueueTicket.objects.filter(pk=ticket.pk).update(calls=F("calls") + 1, called_at=now, called_by=actor)
    ticket.refresh_from_db()
    return ticket


@transaction.atomic
def ticket_finish(*, ticket_id: int, served: bool, actor: User, now: datetime | None = None) -> QueueTicket:
    """Mark a called number served, or missed once it was called the full number of times."""
    now = _now(now)
    ticket = QueueTicket.objects.select_for_update().get(pk=ticket_id)
    if ticket.state != QueueTicket.State.CALLED:
        raise AlreadyHandled(_("Number %(label)s is not being called.") % {"label": ticket.label})
    if not served and ticket.calls < settings.APPOINTMENT_MISSED_AFTER_CALLS:
        raise ActionRefused(
            _("Call number %(label)s %(calls)s times before marking it missed.")
            % {"label": ticket.label, "calls": settings.APPOINTMENT_MISSED_AFTER_CALLS}
        )
    state = QueueTicket.State.SERVED if served else QueueTicket.State.MISSED
    QueueTicket.objects.filter(pk=ticket.pk).update(state=state, finished_at=now)
    ticket.refresh_from_db()
    if served and ticket.appointment_id:
        # A booked visitor served at the window is invited to rate the appointment (once).
        appointment = Appointment.objects.select_related("holder", "item", "counter").get(pk=ticket.appointment_id)
        ratings.invitation_send(
            kind=ServiceKind.APPOINTMENT,
            object_id=appointment.pk,
            user=appointment.holder,
            service_name=appointment.item.name if appointment.item_id else appointment.counter.name,
            now=now,
        )
    return ticket
