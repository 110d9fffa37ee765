"""Load the official working-day calendar from the chinesecalendar package."""

from django.core.management.base import BaseCommand

from portal.services import calendar_load_official


class Command(BaseCommand):
    help = (
        "Load every year the installed chinesecalendar package knows into the working-day calendar. "
        "Days edited in the admin are kept unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true", help="Replace days that differ from the package.")

    def handle(self, *args, overwrite=False, **options):
        count = calendar_load_official(overwrite=overwrite)
        self.stdout.write(self.style.SUCCESS(f"{count} calendar days created or changed."))
