"""Celery tasks of consultations (found by ``autodiscover_tasks``, which imports ``<app>.tasks``)."""

from .appointments.tasks import appointment_no_shows, appointment_reminders, appointment_slots_ahead

__all__ = ["appointment_no_shows", "appointment_reminders", "appointment_slots_ahead"]
