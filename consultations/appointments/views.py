"""Public pages of appointments: book, see and change one's bookings, the hall's call display."""

from django.http import Http404


def _not_yet(*args, **kwargs):
    raise Http404


index = appointment = cancel_by_code = display = _not_yet
