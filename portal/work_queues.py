"""The staff's work queues on the admin's home page, contributed by the apps.

The portal core may not import the apps that build on it, so each app registers its queues
(a label, who sees it, where it leads, and how many rows wait in it) when it loads. The admin
index then shows every member of staff the queues of their role, each counted with one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from .clock import registry
from .models import ClockAlert, User


@dataclass(frozen=True)
class Queue:
    """One queue: `count(user)` runs one query on indexed fields; None makes it a plain link."""

    name: str
    order: int
    label: str
    permission: str
    url: Callable[[User], str]
    count: Callable[[User], int] | None = None
    button: bool = False


@dataclass(frozen=True)
class QueueRow:
    name: str
    label: str
    url: str
    count: int | None
    button: bool


_queues: dict[str, Queue] = {}


def register(queue: Queue) -> None:
    """Add (or replace) a queue."""
    _queues[queue.name] = queue


def queues_for(user: User) -> list[QueueRow]:
    """Return the queues open to this member of staff, in display order, with their counts."""
    if not user.is_authenticated or not user.is_staff:
        return []
    return [
        QueueRow(
            name=queue.name,
            label=str(queue.label),
            url=queue.url(user),
            count=queue.count(user) if queue.count else None,
            button=queue.button,
        )
        for queue in sorted(_queues.values(), key=lambda q: (q.order, q.name))
        if user.has_perm(queue.permission)
    ]


@dataclass(frozen=True)
class AlertRow:
    alert: ClockAlert
    label: str
    url: str


def recent_alerts(user: User, *, limit: int = 10) -> list[AlertRow]:
    """Return the newest deadline alerts, each linked to its object when the user may open it.

    One query for the alerts and one per kind of object among them (at most one per clock).
    """
    if not (user.is_authenticated and user.is_staff and _sees_alerts(user)):
        return []
    alerts = list(ClockAlert.objects.order_by("-created_at", "-id")[:limit])
    objects: dict[str, dict] = {}
    for name in {alert.clock for alert in alerts}:
        try:
            clock = registry.get(name)
        except KeyError:
            continue
        ids = [alert.object_id for alert in alerts if alert.clock == name]
        objects[name] = clock.model._default_manager.select_related(*clock.select_related).in_bulk(ids)
    rows = []
    for alert in alerts:
        target = objects.get(alert.clock, {}).get(alert.object_id)
        if target is None:
            rows.append(AlertRow(alert=alert, label=f"{alert.clock} #{alert.object_id}", url=""))
            continue
        meta = target._meta
        label = f"{meta.verbose_name} {target}"
        url = ""
        if user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[target.pk])
        rows.append(AlertRow(alert=alert, label=label, url=url))
    return rows


def _sees_alerts(user: User) -> bool:
    return any(user.has_perm(permission) for permission in _alert_permissions)


# Roles that watch every deadline (the supervisors) see the recent alerts; apps name the permission.
_alert_permissions: set[str] = set()


def show_alerts_to(permission: str) -> None:
    """Show the recent deadline alerts to holders of this permission."""
    _alert_permissions.add(permission)
