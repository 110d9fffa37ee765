"""Online appointments (网上预约) at the hall's windows.

- ``models``: ``Counter`` (a window) and its ``OpeningRule``, ``Closure``, ``Slot``,
  ``Appointment``, ``QueueTicket``, ``BookingSuspension``.
- ``services``: slots generated from the rules and the working-day calendar, booking that never
  oversells (the slot row locked and re-checked), change and cancel, reminders, check-in with a
  queue number, calling, no-shows and suspensions.
- ``selectors``: what a person may see, free days and times, the hall's queue, the figures.
"""
