"""Purge audit rows and django-axes login logs older than AUDIT_RETENTION_DAYS (as the nightly task does)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from portal.audit.retention import audit_purge, retention_days


class Command(BaseCommand):
    help = "Delete audit records and login logs older than AUDIT_RETENTION_DAYS (at least 184 days)."

    def handle(self, *args, **options):
        try:
            days = retention_days()
            counts = audit_purge()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Older than {days} days: {counts['audit']} audit records, {counts['access_log']} logins, "
                f"{counts['access_failure_log']} failed logins deleted; "
                f"{counts['takeover_code']} takeover codes older than a week deleted."
            )
        )
