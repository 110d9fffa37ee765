"""The one sweep over every registered clock, and the alerts it raises.

Services set each object's current deadline and level inside their transaction. The
sweep (Celery beat every few minutes, or ``manage.py sla_sweep``) finds, with range
queries on the indexed level and deadline fields, the rows whose level must change, and
handles each in its own transaction: a sweep that dies half-way loses nothing, and the
unique ``ClockAlert`` makes a second sweep (or a redelivered task) alert nobody twice.
Its cost grows with the rows that change, not with the table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone, translation

from portal import roles
from portal.models import User
from portal.services import notification_send

from . import deadlines
from .levels import Level, rank
from .models import ClockAlert
from .registry import Clock, get, registered

logger = logging.getLogger(__name__)

SWEEP_BATCH = 1000


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


def alert(clock: Clock | str, obj: Model, level: str) -> bool:
    """Record the alert for this object and level and notify, once; return whether it was new."""
    clock = get(clock) if isinstance(clock, str) else clock
    try:
        with transaction.atomic():
            ClockAlert.objects.create(
                clock=clock.name,
                object_id=obj.pk,
                level=level,
                round=getattr(obj, clock.round_field) if clock.round_field else 0,
                deadline=getattr(obj, clock.due_field),
            )
    except IntegrityError:
        return False
    with translation.override(settings.LANGUAGE_CODE):  # staff read alerts in the official language
        notice = clock.notice(obj, level)
    in_digest = digest_readers()
    for user in clock.recipients(obj, level):
        if user.pk in in_digest:
            continue
        notification_send(
            user=user, kind=f"{clock.kind}_{level}", title=notice.title, body=notice.body, link=notice.link
        )
    return True


# Supervisors watch every clock: one alert each would bury them, so they read every overdue case of
# every clock in one daily digest (oversight.supervision.digest) instead. The alert row is kept all
# the same, and everyone else a clock names is still told at once.
DIGEST_ROLES = (roles.SUPERVISOR,)


def digest_readers() -> set[int]:
    """Return the ids of the users who read alerts in the daily digest rather than one by one."""
    return set(User.objects.filter(groups__name__in=DIGEST_ROLES).values_list("pk", flat=True))


def alert_if_due(clock: Clock | str, obj: Model) -> bool:
    """After a transition set the level, alert at once if it is already warning or overdue."""
    clock = get(clock) if isinstance(clock, str) else clock
    level = getattr(obj, clock.level_field)
    if level == Level.NORMAL or getattr(obj, clock.due_field) is None:
        return False
    return alert(clock, obj, level)


def escalate(clock: Clock, pk: int, level: str, *, now: datetime) -> bool:
    """Raise one object to `level` if it is still open and its deadline still says so; alert once."""
    with transaction.atomic():
        obj = clock.open().select_for_update(of=("self",)).select_related(*clock.select_related).filter(pk=pk).first()
        if obj is None or getattr(obj, clock.due_field) is None:
            return False
        current = set_level(clock, obj, now)
        if rank(current) < rank(level):
            return False  # the deadline moved (extension, resume) since the query
        clock.model.objects.filter(pk=pk).update(**{clock.level_field: current})
        return alert(clock, obj, current)


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


def sweep_clock(clock: Clock, *, now: datetime) -> ClockResult:
    """Run one clock: handle or escalate what passed its deadline, warn what is due soon."""
    result = ClockResult()
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
    for pk in _ids(passed):
        result.overdue += escalate(clock, pk, Level.OVERDUE, now=now)
    threshold = warning_horizon(clock, now)
    soon = running.filter(**{level: Level.NORMAL, f"{due}__gte": now, f"{due}__lte": threshold})
    for pk in _ids(soon):
        result.warning += escalate(clock, pk, Level.WARNING, now=now)
    return result


def run(*, now: datetime | None = None) -> SweepResult:
    """Run every registered clock once (safe to run twice or concurrently)."""
    now = now or timezone.now()
    result = SweepResult()
    for clock in registered():
        result.clocks[clock.name] = outcome = sweep_clock(clock, now=now)
        if outcome.handled or outcome.overdue or outcome.warning:
            logger.info("Clock sweep, %s: %s", clock.name, outcome)
    return result
