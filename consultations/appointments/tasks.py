"""Celery tasks of the hall's appointments: thin, they take nothing and call the services.

Each is safe to run twice: slots are generated once per window and time (a unique constraint),
a reminder claims its booking before it is sent, a no-show is marked from ``booked`` only.
"""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def appointment_slots_ahead() -> int:
    """Generate every active window's slots for the days one may book; return how many were new."""
    return services.slots_generate_ahead()


@shared_task(acks_late=True)
def appointment_reminders() -> int:
    """Remind, once, the holders of the next working day's bookings; return how many were reminded."""
    return services.reminders_send()


@shared_task(acks_late=True)
def appointment_no_shows() -> str:
    """Mark past bookings never checked in as no-shows, and suspend repeat no-shows."""
    result = services.no_shows_mark()
    return f"{result.no_shows} no-shows, {result.suspended} suspended"
