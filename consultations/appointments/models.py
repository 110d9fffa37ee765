"""The hall's windows, their bookable slots, appointments and the queue at the hall."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models import Application, ServiceItem
from portal.models import Department
from portal.personal_centre import PersonalRowsQuerySet

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    """Return a short confirmation code (six characters, no look-alikes such as 0/O or 1/I)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class Counter(models.Model):
    """A window (窗口) of the hall, serving some items or whole departments."""

    number = models.CharField(_("window number"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # The letter of its queue numbers (A023): one letter per window.
    prefix = models.CharField(_("queue letter"), max_length=1, unique=True, validators=[RegexValidator(r"^[A-Z]$")])
    items = models.ManyToManyField(ServiceItem, verbose_name=_("items served"), blank=True, related_name="+")
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("departments served"),
        blank=True,
        related_name="+",
        help_text=_("Every item of these departments, besides the items listed."),
    )
    location = models.CharField(_("where in the hall"), max_length=100, blank=True)
    is_active = models.BooleanField(_("open for appointments"), default=True)

    class Meta:
        verbose_name = _("hall window")
        verbose_name_plural = _("hall windows")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"


class OpeningRule(models.Model):
    """When a window takes appointments: its weekdays, hours, slot length, how far ahead, how many per slot.

    A day is open when the working-day calendar says it is a working day and the window opens on that
    weekday; a make-up working day on a weekend is open; holidays and ad-hoc closures are not.
    """

    counter = models.OneToOneField(Counter, verbose_name=_("window"), on_delete=models.CASCADE, related_name="rule")
    weekdays = models.CharField(
        _("weekdays"),
        max_length=13,
        default="1,2,3,4,5",
        validators=[RegexValidator(r"^[1-7](,[1-7])*$")],
        help_text=_("ISO weekdays, 1 = Monday … 5 = Friday; make-up working days on weekends are open too."),
    )
    hours = models.CharField(
        _("hours"),
        max_length=60,
        default="09:00-12:00,13:30-17:00",
        help_text=_("With the lunch break, e.g. 09:00-12:00,13:30-17:00."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=15, validators=[MinValueValidator(5), MaxValueValidator(120)]
    )
    book_from_days = models.PositiveSmallIntegerField(
        _("bookable from (days ahead)"), default=1, validators=[MaxValueValidator(30)]
    )
    book_until_days = models.PositiveSmallIntegerField(
        _("bookable until (days ahead)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    online_capacity = models.PositiveSmallIntegerField(_("places per slot online"), default=2)
    staff_capacity = models.PositiveSmallIntegerField(
        _("further places per slot for staff"), default=1, help_text=_("Booked by staff for callers and visitors.")
    )

    class Meta:
        verbose_name = _("opening rule")
        verbose_name_plural = _("opening rules")

    def __str__(self):
        return f"{self.counter}: {self.hours}"

    @property
    def weekday_set(self) -> set[int]:
        return {int(day) for day in self.weekdays.split(",") if day}


class Closure(models.Model):
    """A day a window (or the whole hall) does not take appointments, besides the calendar's days off."""

    counter = models.ForeignKey(
        Counter,
        verbose_name=_("window"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        help_text=_("Empty: the whole hall."),
    )
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["counter", "day"], name="appointments_closure_once"),
        ]

    def __str__(self):
        return f"{self.day} {self.counter or _('whole hall')}"


class Slot(models.Model):
    """One bookable time of one window; its counts of bookings are kept on the row, which a booking locks."""

    counter = models.ForeignKey(Counter, verbose_name=_("window"), on_delete=models.CASCADE, related_name="slots")
    day = models.DateField(_("day"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    online_capacity = models.PositiveSmallIntegerField(_("places online"))
    staff_capacity = models.PositiveSmallIntegerField(_("further places for staff"))
    booked_online = models.PositiveSmallIntegerField(_("booked online"), default=0)
    booked_staff = models.PositiveSmallIntegerField(_("booked by staff"), default=0)
    is_closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at", "counter_id"]
        constraints = [
            models.UniqueConstraint(fields=["counter", "starts_at"], name="appointments_slot_once"),
            models.CheckConstraint(
                condition=Q(booked_online__lte=models.F("online_capacity")), name="appointments_slot_online_not_over"
            ),
            models.CheckConstraint(
                condition=Q(booked_staff__lte=models.F("staff_capacity")), name="appointments_slot_staff_not_over"
            ),
        ]
        indexes = [models.Index(fields=["counter", "day", "starts_at"], name="appointments_slot_day_idx")]

    def __str__(self):
        return f"{self.counter.number} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free_online(self) -> int:
        return max(0, self.online_capacity - self.booked_online)


class Appointment(models.Model):
    """One booking of one slot by one person (online, or by staff for a caller or visitor)."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("Did not come")

    class Channel(models.TextChoices):
        ONLINE = "online", pgettext_lazy("appointment channel", "Online")
        STAFF = "staff", _("By staff")

    code = models.CharField(_("confirmation code"), max_length=8, unique=True, default=new_code)
    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="appointments")
    counter = models.ForeignKey(Counter, verbose_name=_("window"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("appointment", "holder"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("item"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.BOOKED)
    booked_at = models.DateTimeField(_("booked"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # Set when the window closed the day after the booking: the holder is asked to choose a new time.
    closure_flagged = models.BooleanField(_("window closed that day"), default=False)

    objects = PersonalRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-booked_at"]
        permissions = [
            ("check_in_appointment", _("Can check visitors in, give queue numbers and call them")),
            ("book_for_visitor", _("Can book an appointment for a caller or visitor")),
        ]
        constraints = [
            # One active booking per person per item per day.
            models.UniqueConstraint(
                fields=["holder", "item", "day"],
                condition=Q(state__in=["booked", "checked_in"]) & Q(item__isnull=False),
                name="appointments_one_per_item_and_day",
            ),
        ]
        indexes = [
            models.Index(fields=["holder", "state", "day"], name="appointments_holder_idx"),
            models.Index(fields=["state", "day"], name="appointments_state_day_idx"),
            models.Index(fields=["counter", "day", "state"], name="appointments_counter_day_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.slot}"

    def get_absolute_url(self):
        return reverse("consultations:appointment", args=[self.code])

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.BOOKED, self.State.CHECKED_IN)


class QueueTicket(models.Model):
    """A queue number at a window for one day (A023): a checked-in booking or a walk-in."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVED = "served", _("Served")
        MISSED = "missed", _("Did not answer")

    counter = models.ForeignKey(Counter, verbose_name=_("window"), on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("number"))
    label = models.CharField(_("queue number"), max_length=8)
    appointment = models.OneToOneField(
        Appointment,
        verbose_name=_("appointment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket",
    )
    name = models.CharField(_("visitor"), max_length=50)
    # Booked visitors are served from their slot's start, walk-ins from the slot their arrival falls in;
    # within one slot the booked come first.
    serve_from = models.DateTimeField(_("served from"))
    walk_in = models.BooleanField(_("walk-in"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    calls = models.PositiveSmallIntegerField(_("calls"), default=0)
    checked_in_at = models.DateTimeField(_("checked in"))
    # The wait is measured to the first call; the display orders by the last.
    first_called_at = models.DateTimeField(_("first called"), null=True, blank=True)
    called_at = models.DateTimeField(_("last called"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("called by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PersonalRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("queue number")
        verbose_name_plural = _("queue numbers")
        ordering = ["day", "counter_id", "number"]
        constraints = [models.UniqueConstraint(fields=["counter", "day", "number"], name="appointments_ticket_once")]
        indexes = [
            models.Index(fields=["counter", "day", "state", "serve_from"], name="appointments_ticket_queue_idx"),
            models.Index(fields=["state", "called_at"], name="appointments_ticket_called_idx"),
        ]

    def __str__(self):
        return self.label


class BookingSuspension(models.Model):
    """Online booking suspended for a person after repeated no-shows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    no_shows = models.PositiveSmallIntegerField(_("no-shows counted"))
    created_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking suspension")
        verbose_name_plural = _("booking suspensions")
        ordering = ["-ends_on"]
        indexes = [models.Index(fields=["user", "ends_on"], name="appointments_suspension_idx")]

    def __str__(self):
        return f"{self.user} {self.starts_on}–{self.ends_on}"
