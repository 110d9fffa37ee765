"""Transitions applied in memory to many applications at once, with their side effects done per batch.

A batch approval runs the state machine's transitions one application at a time, in memory,
then writes the rows in bulk. django_fsm sends ``post_transition`` for each transition, and
its receivers (the transition log, the rating invitation) would each write their rows one
application at a time. While ``collecting()`` is active they record the transition here
instead; the batch then writes the log in bulk and sends ``transitions_applied`` once, so
the receivers of other apps (ratings, which approvals may not import) do their part in bulk.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from django.dispatch import Signal

# Sent once per batch with sender=the model and transitions=list[Transition], inside the batch's transaction.
transitions_applied = Signal()

_state = threading.local()


@dataclass(frozen=True)
class Transition:
    """One transition applied in memory: what django_fsm's post_transition carries."""

    instance: object
    name: str
    source: str
    target: str
    by: object = None
    description: str | None = None


def deferred() -> bool:
    """Return whether the transitions of this thread are being collected for a batch."""
    return getattr(_state, "transitions", None) is not None


def record(transition: Transition) -> None:
    """Keep a transition for the batch (only while collecting)."""
    _state.transitions.append(transition)


@contextlib.contextmanager
def collecting() -> Iterator[list[Transition]]:
    """Collect the transitions run in this thread instead of writing their side effects one by one."""
    _state.transitions = []
    try:
        yield _state.transitions
    finally:
        _state.transitions = None
