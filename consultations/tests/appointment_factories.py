"""Windows, rules and slots for the appointment tests."""

from __future__ import annotations

from datetime import date

from consultations.appointments import services
from consultations.models import Counter, OpeningRule


def counter(*, number="A1", prefix="A", name="综合受理窗口", items=(), departments=(), **rule) -> Counter:
    """Return a window with its opening rule (weekdays 1-5, 09:00-12:00 and 13:30-17:00, 15-minute slots)."""
    window = Counter.objects.create(number=number, prefix=prefix, name=name)
    window.items.set(items)
    window.departments.set(departments)
    OpeningRule.objects.create(counter=window, **rule)
    return window


def slots(window: Counter, start: date, end: date | None = None):
    services.slots_generate(counter=window, start=start, end=end or start)
    return list(window.slots.filter(day__range=(start, end or start)).order_by("starts_at"))
