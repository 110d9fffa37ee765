"""Purge abandoned drafts now: what the daily task does (drafts_purge), for an operator or cron."""

from django.conf import settings
from django.core.management.base import BaseCommand

from approvals import services


class Command(BaseCommand):
    help = (
        "Tell the owners of drafts untouched for DRAFT_RETENTION_DAYS minus DRAFT_PURGE_NOTICE_DAYS days that "
        "they will be deleted, and delete (with their uploaded files) the drafts untouched for "
        "DRAFT_RETENTION_DAYS days whose owner was told at least DRAFT_PURGE_NOTICE_DAYS days ago, and the files "
        "still held by drafts withdrawn before submission."
    )

    def handle(self, *args, **options):
        outcome = services.drafts_purge()
        self.stdout.write(
            self.style.SUCCESS(
                f"Drafts purged: {outcome.purged} ({outcome.files} files); files of withdrawn drafts deleted: "
                f"{outcome.withdrawn_files}; owners told of a coming purge: "
                f"{outcome.notified} (retention {settings.DRAFT_RETENTION_DAYS} days, notice "
                f"{settings.DRAFT_PURGE_NOTICE_DAYS} days)."
            )
        )
