"""The staff's screens of appointments: windows and their rules, closures, slots, bookings, the hall desk.

One module per screen family; importing them registers the model admins. The home page's
entry "Hall desk / today's appointments" is registered in consultations/apps.py (queues.py).
"""

from . import bookings, counters, desk  # noqa: F401
