"""Signal receivers that write the audit trail: sign-ins and sign-outs, lock-outs, admin changes.

Connected from PortalConfig.ready().
"""

import copy
import functools

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry, LogEntryManager
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from django.dispatch import receiver

from .middleware import current_request
from .models import AuditEvent
from .recording import build, record


@receiver(user_logged_in, dispatch_uid="audit_login")
def login_recorded(sender, request, user, **kwargs):
    record(AuditEvent.Action.LOGIN, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failure_recorded(sender, credentials, request=None, **kwargs):
    # django-axes deletes its own failure records on the next success (AXES_RESET_ON_SUCCESS);
    # this row stays.
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    record(
        AuditEvent.Action.LOGIN_FAILED,
        request=request,
        actor=None,
        outcome=AuditEvent.Outcome.FAILURE,
        username=username,
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def lock_out_recorded(sender, request=None, username=None, ip_address=None, **kwargs):
    record(
        AuditEvent.Action.LOCKED_OUT,
        request=request,
        actor=None,
        outcome=AuditEvent.Outcome.DENIED,
        username=str(username or ""),
        detail=f"ip={ip_address}" if ip_address and request is None else "",
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def logout_recorded(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Action.LOGOUT, request=request, actor=user)


def _admin_change_row(entry: LogEntry, like: AuditEvent | None = None) -> AuditEvent:
    """Return the unsaved audit row of one admin log entry; ``like`` lends its actor and address."""
    if like is None:
        row = build(AuditEvent.Action.ADMIN_CHANGE, request=current_request(), actor=entry.user)
    else:
        row = copy.copy(like)
    row.detail = f"{entry.get_action_flag_display()}: {entry.get_change_message()}"[:2000]
    content_type = ContentType.objects.get_for_id(entry.content_type_id) if entry.content_type_id else None
    row.target_type = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    row.target_id = str(entry.object_id or "")[:64]
    row.target_repr = entry.object_repr[:200]
    return row


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_change")
def admin_change_recorded(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _admin_change_row(instance).save()


def _record_bulk_log_entries(log_actions):
    """Wrap LogEntryManager.log_actions: several entries (a bulk delete) are bulk-created, with no post_save."""

    @functools.wraps(log_actions)
    def wrapper(self, *args, **kwargs):
        entries = log_actions(self, *args, **kwargs)
        if isinstance(entries, list) and len(entries) > 1:
            first = _admin_change_row(entries[0])
            rows = [first, *(_admin_change_row(entry, like=first) for entry in entries[1:])]
            AuditEvent.objects.bulk_create(rows)
        return entries

    wrapper.audited = True
    return wrapper


if not getattr(LogEntryManager.log_actions, "audited", False):
    LogEntryManager.log_actions = _record_bulk_log_entries(LogEntryManager.log_actions)
