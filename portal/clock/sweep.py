"""The one sweep over every registered clock, and the alerts it raises.

Services set each object's current deadline and level inside their transaction. The
sweep (Celery beat every few minutes, or ``manage.py sla_sweep``) finds, with range
queries on the indexed level and deadline fields, the rows whose level must change, and
handles them up to a thousand to a transaction: the levels set in one UPDATE per level,
the alerts inserted in one statement against the unique ``ClockAlert`` (so a second sweep
or a redelivered task alerts nobody twice), the recipients read once per sweep
(``roster.py``) and the notifications inserted in one statement. A sweep that dies
half-way loses nothing. Its cost grows with the rows that change, not with the table, and
its number of statements with neither.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone, translation

from portal.models import Notification
from portal.services import notifications_send

from . import deadlines
from .levels import Level, rank
from .models import ClockAlert
from .registry import Clock, get, registered
from .roster import Roster

logger = logging.getLogger(__name__)

# Rows found per range query and sweep, and rows handled per transaction.
SWEEP_BATCH = 1000
ROWS_PER_TRANSACTION = 1000


def level_at(due: datetime | None, now: datetime | None = None, *, clock: Clock | None = None) -> str:
    """Return the level of a deadline at an instant (normal when there is none)."""
    now = now or timezone.now()
    if clock is not None and clock.warning_horizon is not None:
        if due is None:
            return Level.NORMAL
        if due < now:
            return Level.OVERDUE
        return Level.WARNING if due <= clock.warning_horizon(now) else Level.NORMAL
    today = timezone.localdate(now)
    return deadlines.level(
        deadlines.day_of(due) if due else None, today, warning_days=settings.SLA_WARNING_WORKING_DAYS
    )


def warning_horizon(clock: Clock, now: datetime) -> datetime:
    """Return the latest deadline that is due soon at this instant, for this clock."""
    if clock.warning_horizon is not None:
        return clock.warning_horizon(now)
    today = timezone.localdate(now)
    return deadlines.end_of_day(deadlines.warning_threshold(today, settings.SLA_WARNING_WORKING_DAYS))


def set_level(clock: Clock | str, obj: Model, now: datetime | None = None) -> str:
    """Set the object's level from its current deadline (not saved); return it."""
    clock = get(clock) if isinstance(clock, str) else clock
    level = level_at(getattr(obj, clock.due_field), now, clock=clock)
    setattr(obj, clock.level_field, level)
    return level


def alert(clock: Clock | str, obj: Model, level: str, *, roster: Roster | None = None) -> bool:
    """Record the alert for this object and level and notify, once; return whether it was new."""
    clock = get(clock) if isinstance(clock, str) else clock
    return alert_all(clock, [(obj, level)], roster=roster or Roster()) == 1


def alert_all(clock: Clock, raised: list[tuple[Model, str]], *, roster: Roster) -> int:
    """Record the alerts of these objects at these levels in one statement, notify for the new ones; count them.

    Only the alerts this call inserted are notified: a concurrent sweep that inserted one first
    (or a redelivered task) finds it there, so everyone is told exactly once.
    """
    new = _insert_alerts(clock, raised)
    notifications = []
    with translation.override(settings.LANGUAGE_CODE):  # staff read alerts in the official language
        for obj, level in raised:
            if (obj.pk, level) not in new:
                continue
            notice = clock.notice(obj, level)
            kind = f"{clock.kind}_{level}"
            notifications += [
                Notification(user=user, kind=kind, title=notice.title, body=notice.body, link=notice.link)
                for user in clock.recipients(obj, level, roster)
                if user.pk not in roster.digest_readers
            ]
    notifications_send(notifications)
    return len(new)


def _returning_upsert() -> bool:
    # INSERT ... ON CONFLICT DO NOTHING RETURNING: PostgreSQL, and SQLite from 3.35.
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version_info >= (3, 35)
    return connection.vendor == "postgresql"


# The unique constraint's fields first, then the rest.
_ALERT_COLUMNS = ("clock", "object_id", "level", "round", "deadline", "created_at")


def _insert_alerts(clock: Clock, raised: list[tuple[Model, str]]) -> set[tuple[int, str]]:
    """Insert the alerts that do not exist yet, against the unique constraint; return the (object, level) inserted."""
    if not raised:
        return set()
    rows = [
        ClockAlert(
            clock=clock.name,
            object_id=obj.pk,
            level=level,
            round=getattr(obj, clock.round_field) if clock.round_field else 0,
            deadline=getattr(obj, clock.due_field),
        )
        for obj, level in raised
    ]
    if not _returning_upsert():
        return {(row.object_id, row.level) for row in rows if _insert_alert(row)}
    now = timezone.now()
    for row in rows:
        row.created_at = now
    fields = [ClockAlert._meta.get_field(name) for name in _ALERT_COLUMNS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    unique = ", ".join(quote(field.column) for field in fields[:4])  # portal_clock_alert_once
    values = ", ".join([f"({', '.join(['%s'] * len(fields))})"] * len(rows))
    params = [field.get_db_prep_save(getattr(row, field.attname), connection) for row in rows for field in fields]
    sql = (
        f"INSERT INTO {quote(ClockAlert._meta.db_table)} ({columns}) VALUES {values} "  # noqa: S608 - our own names
        f"ON CONFLICT ({unique}) DO NOTHING RETURNING {quote(fields[1].column)}, {quote(fields[2].column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(object_id, level) for object_id, level in cursor.fetchall()}


def _insert_alert(row: ClockAlert) -> bool:
    # The portable way, one row at a time, for a database without a returning upsert.
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def alert_if_due(clock: Clock | str, obj: Model) -> bool:
    """After a transition set the level, alert at once if it is already warning or overdue."""
    clock = get(clock) if isinstance(clock, str) else clock
    level = getattr(obj, clock.level_field)
    if level == Level.NORMAL or getattr(obj, clock.due_field) is None:
        return False
    return alert(clock, obj, level)


def escalate(clock: Clock, pks: list[int], level: str, *, now: datetime, roster: Roster) -> int:
    """Raise the objects to `level` where they are still open and their deadline still says so; alert once each.

    The rows are handled a batch to a transaction. A batch that fails is rolled back and done
    again one row to a transaction: a row whose alert cannot be made is logged and left as it
    was for the next sweep, and the others are alerted. Return how many alerts were new.
    """
    new = 0
    for start in range(0, len(pks), ROWS_PER_TRANSACTION):
        batch = pks[start : start + ROWS_PER_TRANSACTION]
        try:
            new += _escalate_batch(clock, batch, level, now=now, roster=roster)
        except Exception:
            logger.warning("Clock %s: a batch failed, done again row by row", clock.name, exc_info=True)
            for pk in batch:
                try:
                    new += _escalate_batch(clock, [pk], level, now=now, roster=roster)
                except Exception:
                    logger.exception("Clock %s: no alert for object %s; the next sweep tries again", clock.name, pk)
    return new


def _escalate_batch(clock: Clock, pks: list[int], level: str, *, now: datetime, roster: Roster) -> int:
    with transaction.atomic():
        rows = (
            clock.open()
            .select_for_update(of=("self",))
            .select_related(*clock.select_related)
            .filter(pk__in=pks)
            .order_by("pk")  # two sweeps lock in the same order, so neither waits for the other in a cycle
        )
        raised = []
        for obj in rows:
            if getattr(obj, clock.due_field) is None:
                continue
            current = set_level(clock, obj, now)
            if rank(current) >= rank(level):  # else the deadline moved (extension, resume) since the query
                raised.append((obj, current))
        for current in {current for _, current in raised}:
            clock.model.objects.filter(pk__in=[obj.pk for obj, at in raised if at == current]).update(
                **{clock.level_field: current}
            )
        return alert_all(clock, raised, roster=roster)


@dataclass
class ClockResult:
    handled: list[str] = field(default_factory=list)
    overdue: int = 0
    warning: int = 0

    def __str__(self):
        return f"{len(self.handled)} handled, {self.overdue} overdue, {self.warning} due soon"


@dataclass
class SweepResult:
    clocks: dict[str, ClockResult] = field(default_factory=dict)

    def of(self, name: str) -> ClockResult:
        """Return the result of one clock (empty if it had nothing to do)."""
        return self.clocks.get(name, ClockResult())

    @property
    def overdue(self) -> int:
        return sum(result.overdue for result in self.clocks.values())

    @property
    def warning(self) -> int:
        return sum(result.warning for result in self.clocks.values())

    @property
    def handled(self) -> list[str]:
        return [label for result in self.clocks.values() for label in result.handled]

    def __str__(self):
        return "; ".join(f"{name}: {result}" for name, result in self.clocks.items())


def _ids(queryset) -> list[int]:
    return list(queryset.order_by().values_list("pk", flat=True)[:SWEEP_BATCH])


def sweep_clock(clock: Clock, *, now: datetime, roster: Roster | None = None) -> ClockResult:
    """Run one clock: handle or escalate what passed its deadline, warn what is due soon."""
    result = ClockResult()
    roster = roster or Roster()
    due, level = clock.due_field, clock.level_field
    running = clock.open()
    passed = running.filter(**{f"{level}__in": [Level.NORMAL, Level.WARNING], f"{due}__lt": now})
    if clock.on_passed is not None:
        # Whatever their level: a row the handler owns may already be overdue (e.g. resubmitted on a
        # weekend after a correction notice on the last day) and must still be handled.
        for pk in _ids(running.filter(clock.passed_filter, **{f"{due}__lt": now})):
            label = clock.on_passed(pk)
            if label:
                result.handled.append(label)
            # None: someone acted a moment ago; the next sweep sees the row as it is now.
        passed = passed.exclude(clock.passed_filter)
    result.overdue += escalate(clock, _ids(passed), Level.OVERDUE, now=now, roster=roster)
    threshold = warning_horizon(clock, now)
    soon = running.filter(**{level: Level.NORMAL, f"{due}__gte": now, f"{due}__lte": threshold})
    result.warning += escalate(clock, _ids(soon), Level.WARNING, now=now, roster=roster)
    return result


def run(*, now: datetime | None = None) -> SweepResult:
    """Run every registered clock once (safe to run twice or concurrently)."""
    now = now or timezone.now()
    result = SweepResult()
    roster = Roster()  # the staff are read once, by the first clock with something to say
    for clock in registered():
        result.clocks[clock.name] = outcome = sweep_clock(clock, now=now, roster=roster)
        if outcome.handled or outcome.overdue or outcome.warning:
            logger.info("Clock sweep, %s: %s", clock.name, outcome)
    return result
