"""The legal clock, one for every deadline of every app.

- ``calendar``: the official working-day calendar and its arithmetic (Art. 82).
- ``hours``: working hours of the hall, for limits counted in hours.
- ``deadlines``: the pure deadline functions of the Administrative Licensing Law.
- ``levels``: the one level vocabulary (normal, warning, overdue).
- ``models``: ``ClockAlert``, one row per tracked object and level.
- ``registry``: how an app declares a clock (``Clock``, ``register``).
- ``sweep``: the one sweep over every registered clock, and the alerts it raises.
- ``coverage``: the daily check that the calendar covers the coming weeks.

The package imports no domain app: apps register their clocks with it when they load.
"""
