"""Housekeeping: drafts nobody has touched for months are deleted with their files, after a notice.

Files still held by drafts withdrawn before they were submitted (withdrawn before the withdrawal
deleted them, or left by a failed deletion) are deleted by the same run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from portal.services import notification_send

from ..models import Application, MaterialFile, State
from .drafting import material_files_discard

logger = logging.getLogger(__name__)


@dataclass
class DraftsPurgeOutcome:
    """What one run of the purge did."""

    notified: int
    purged: int
    files: int
    withdrawn_files: int = 0


def _drafts_with_last_change() -> QuerySet[Application]:
    """Return the drafts, each with the time it last changed: its own save or its latest upload."""
    latest_upload = (
        MaterialFile.objects.filter(application=OuterRef("pk")).order_by("-uploaded_at").values("uploaded_at")[:1]
    )
    return Application.objects.filter(state=State.DRAFT).annotate(
        last_change=Greatest("updated_at", Coalesce(Subquery(latest_upload), "updated_at"))
    )


def _purge_day(last_change: datetime):
    return timezone.localdate(last_change + timedelta(days=settings.DRAFT_RETENTION_DAYS))


def _notify_owner(application: Application, *, last_change: datetime) -> None:
    day = _purge_day(last_change)
    # A task has no request: the notice is written in the portal's language, like every official notice.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Your draft for “%(item)s” will be deleted on %(day)s") % {
            "item": application.item.name,
            "day": formats.date_format(day, "DATE_FORMAT"),
        }
        body = _(
            "This draft has not been changed for %(days)d days. Drafts untouched for %(retention)d days are deleted "
            "together with the files uploaded to them. To keep it, open it and save or submit it before %(day)s."
        ) % {
            "days": (timezone.now() - last_change).days,
            "retention": settings.DRAFT_RETENTION_DAYS,
            "day": formats.date_format(day, "DATE_FORMAT"),
        }
    notification_send(
        user=application.applicant,
        kind="draft_purge_notice",
        title=title,
        body=body,
        link=reverse("approvals:application_edit", args=[application.reference]),
    )


def drafts_notify_before_purge(*, now: datetime | None = None) -> int:
    """Tell the owners of drafts that reach the purge within the notice period; return how many were told."""
    notice_days = settings.DRAFT_PURGE_NOTICE_DAYS
    if notice_days <= 0:
        return 0
    now = now or timezone.now()
    horizon = now - timedelta(days=settings.DRAFT_RETENTION_DAYS - notice_days)
    due = (
        _drafts_with_last_change()
        .filter(last_change__lt=horizon)
        # Told before a later change does not count: the draft's deletion day moved.
        .filter(Q(purge_notice_at__isnull=True) | Q(purge_notice_at__lt=F("last_change")))
        .select_related("item", "applicant")
    )
    told = 0
    for application in due:
        with transaction.atomic():
            # Claim the notice, so two runs at once tell the owner once (update() leaves updated_at alone).
            claimed = Application.objects.filter(
                pk=application.pk, state=State.DRAFT, purge_notice_at=application.purge_notice_at
            ).update(purge_notice_at=now)
            if claimed:
                _notify_owner(application, last_change=application.last_change)
                told += 1
    return told


def _purgeable(now: datetime) -> QuerySet[Application]:
    """Return the drafts past the retention whose owner was told at least the notice period ago."""
    qs = _drafts_with_last_change().filter(last_change__lt=now - timedelta(days=settings.DRAFT_RETENTION_DAYS))
    notice_days = settings.DRAFT_PURGE_NOTICE_DAYS
    if notice_days > 0:
        qs = qs.filter(
            purge_notice_at__isnull=False,
            purge_notice_at__gte=F("last_change"),
            purge_notice_at__lte=now - timedelta(days=notice_days),
        )
    return qs


def _purge_one(application_id: int, *, now: datetime) -> int | None:
    """Delete one abandoned draft if it still is one; return how many files it had, None if it was kept."""
    with transaction.atomic():
        if not _purgeable(now).filter(pk=application_id).exists():
            return None  # the owner saved it, submitted it or withdrew it since the list was read
        application = Application.objects.select_for_update().get(pk=application_id)
        if application.state != State.DRAFT:
            return None
        files = list(application.files.all())
        names = [record.file.name for record in files if record.file.name]
        try:
            application.delete()
        except (ProtectedError, RestrictedError):
            logger.warning("Draft %s not purged: other records refer to it", application_id, exc_info=True)
            return None
        storage = files[0].file.storage if files else None

        def delete_files():
            for name in names:
                try:
                    storage.delete(name)
                except OSError:
                    logger.warning("Purged draft %s: file %s could not be deleted", application_id, name)

        # Only once the rows are gone for good: a rollback must not leave rows without their files.
        if names:
            transaction.on_commit(delete_files)
    return len(names)


def withdrawn_drafts_discard_files() -> int:
    """Delete the files still held by drafts withdrawn before submission; return how many were deleted."""
    discarded = 0
    pending = Application.objects.filter(state=State.WITHDRAWN, submitted_at__isnull=True, files__isnull=False)
    for application_id in list(pending.values_list("pk", flat=True).distinct()):
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=application_id)
            if application.state == State.WITHDRAWN and application.submitted_at is None:
                discarded += material_files_discard(application=application)
    return discarded


def drafts_purge(*, now: datetime | None = None) -> DraftsPurgeOutcome:
    """Tell the owners of drafts about to be purged, and delete the drafts (and files) past the retention."""
    now = now or timezone.now()
    notified = drafts_notify_before_purge(now=now)
    purged = files = 0
    for application_id in list(_purgeable(now).values_list("pk", flat=True)):
        removed = _purge_one(application_id, now=now)
        if removed is not None:
            purged += 1
            files += removed
    if purged:
        logger.info("Purged %d abandoned drafts (%d files)", purged, files)
    withdrawn_files = withdrawn_drafts_discard_files()
    if withdrawn_files:
        logger.info("Deleted %d files of drafts withdrawn before submission", withdrawn_files)
    return DraftsPurgeOutcome(notified=notified, purged=purged, files=files, withdrawn_files=withdrawn_files)
