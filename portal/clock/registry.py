"""How an app declares a deadline clock, so that the one sweep runs it.

An app describes what is open, which stored fields hold the current deadline and its
level, whom to tell and what to say at each level, and optionally what happens instead
of an overdue alert when the deadline passes (Art. 32's automatic acceptance). It
registers the clock when it loads (``AppConfig.ready``); the core never imports the app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models

from portal.models import User

from .roster import Roster


@dataclass(frozen=True)
class Notice:
    """What an alert says: a title, an optional body and a link to the object in the admin."""

    title: str
    link: str
    body: str = ""


@dataclass(frozen=True)
class Clock:
    """One kind of deadline tracked by the sweep."""

    name: str
    model: type[models.Model]
    # The rows whose clock may run; the sweep narrows it with range queries on the indexed fields.
    open: Callable[[], models.QuerySet]
    # Whom to tell when the object reaches a level (warning or overdue), picked from the sweep's roster
    # of staff (read once per sweep) and the object's own users.
    recipients: Callable[[models.Model, str, Roster], Iterable[User]]
    notice: Callable[[models.Model, str], Notice]
    # Notifications are of kind "<kind>_warning" and "<kind>_overdue".
    kind: str
    due_field: str = "current_due_at"
    level_field: str = "due_level"
    select_related: tuple[str, ...] = ()
    # When a deadline passes on a row matching ``passed_filter``, the sweep calls ``on_passed(pk)``
    # instead of raising it to overdue; it returns a label of what it did, or None when it had
    # nothing to do (someone acted meanwhile).
    on_passed: Callable[[int], str | None] | None = None
    passed_filter: models.Q | None = None
    # A clock whose deadline restarts on the same object names the field counting its rounds;
    # alerts are then once per level and round.
    round_field: str | None = None
    # When a deadline counts as due soon: given the instant now, the latest deadline that is in the
    # warning band. None: within SLA_WARNING_WORKING_DAYS working days (limits in days); a limit
    # of a few hours or days gives its own (e.g. "one working hour left").
    warning_horizon: Callable[[datetime], datetime] | None = None
    # The path from a row to its department (e.g. "certificate__department"), so that supervision counts
    # every clock per department; None: the clock's rows belong to no department. A null department is
    # the hall's general window.
    department_field: str | None = None


_clocks: dict[str, Clock] = {}


def register(clock: Clock) -> None:
    """Add a clock to the sweep; registering the same name again replaces it."""
    if (clock.on_passed is None) != (clock.passed_filter is None):
        raise ValueError(f"clock {clock.name}: on_passed and passed_filter go together")
    _clocks[clock.name] = clock


def registered() -> list[Clock]:
    """Return every registered clock, in the order of registration."""
    return list(_clocks.values())


def get(name: str) -> Clock:
    """Return the clock registered under this name."""
    return _clocks[name]
