"""Writes of the portal core: accounts and the working-day calendar."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from . import workdays
from .models import CalendarDay, User


def official_calendar_days() -> list[tuple[date, bool, str]]:
    """Return (date, is_workday, note) for every day of every year chinesecalendar knows."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday, holidays
    from chinese_calendar.constants import workdays as makeup_days

    chinese_names = {holiday.value: holiday.chinese for holiday in Holiday}
    first_year, last_year = min(holidays).year, max(holidays).year
    rows = []
    day = date(first_year, 1, 1)
    while day.year <= last_year:
        is_workday = chinese_calendar.is_workday(day)
        note = ""
        if day in holidays:
            note = chinese_names.get(holidays[day], holidays[day])
        elif day in makeup_days:
            note = f"{chinese_names.get(makeup_days[day], makeup_days[day])}调休上班"
        rows.append((day, is_workday, note))
        day += timedelta(days=1)
    return rows


def calendar_load_official(*, overwrite: bool = False, model=CalendarDay) -> int:
    """Load the official calendar; keep days edited in the admin unless overwrite is set.

    Returns the number of days created or changed. ``model`` lets a data migration pass
    its historical model.
    """
    rows = official_calendar_days()
    with transaction.atomic():
        existing = dict(model.objects.values_list("date", "is_workday"))
        new = [model(date=d, is_workday=w, note=n) for d, w, n in rows if d not in existing]
        model.objects.bulk_create(new, batch_size=1000)
        changed = 0
        if overwrite:
            stale = [model(date=d, is_workday=w, note=n) for d, w, n in rows if d in existing and existing[d] != w]
            model.objects.bulk_update(stale, ["is_workday", "note"], batch_size=1000)
            changed = len(stale)
    workdays.invalidate()
    return len(new) + changed


def user_register(
    *,
    kind: str,
    username: str,
    password: str,
    email: str,
    mobile: str,
    real_name: str,
    id_number: str = "",
    organization_name: str = "",
    credit_code: str = "",
) -> User:
    """Create a citizen or enterprise account (the registration form has validated every field)."""
    user = User(
        username=username,
        kind=kind,
        email=email,
        mobile=mobile,
        real_name=real_name,
        id_number=id_number,
        organization_name=organization_name,
        credit_code=credit_code,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user
