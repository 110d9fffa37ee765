"""Writing audit rows."""

from django.contrib.auth.models import AnonymousUser

from ..net import client_ip
from ..roles import user_roles
from .models import AuditEvent


def build(
    action: str,
    *,
    request=None,
    actor=None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    target=None,
    detail: str = "",
    username: str = "",
) -> AuditEvent:
    """Return one unsaved audit row (see :func:`record`); for writing several rows in one query."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if isinstance(actor, AnonymousUser):
        actor = None
    target_type = target_id = target_repr = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_repr = str(target)[:200]
    return AuditEvent(
        action=action,
        outcome=outcome,
        actor_id=actor.pk if actor is not None else None,
        actor_username=(actor.get_username() if actor is not None else username)[:150],
        actor_roles="、".join(sorted(user_roles(actor))) if actor is not None else "",
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        detail=detail,
        ip_address=client_ip(request) if request is not None else None,
        path=request.path[:300] if request is not None else "",
    )


def record(action: str, **fields) -> AuditEvent:
    """Append one audit row; the actor defaults to the request's user, the address to the client's.

    The fields are :func:`build`'s: ``request``, ``actor``, ``outcome``, ``detail``; ``target``
    is a model instance (its type, id and text are kept) or None; ``username`` names the account
    tried when there is no actor (a failed login).
    """
    row = build(action, **fields)
    row.save()
    return row
