"""The appointments' entry on the admin's home page: the hall desk, with today's bookings still to check in."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import work_queues

from .models import Appointment


def to_check_in(user) -> int:
    """Return how many of today's bookings, at every window, are not checked in yet (one query)."""
    return Appointment.objects.filter(day=timezone.localdate(), state=Appointment.State.BOOKED).count()


def register() -> None:
    """Register the window clerks' hall desk."""
    work_queues.register(
        work_queues.Queue(
            name="appointments.desk",
            order=55,
            label=_("Hall desk / today's appointments"),
            permission="consultations.check_in_appointment",
            url=lambda user: reverse("admin:consultations_queueticket_desk_index"),
            count=to_check_in,
        )
    )
