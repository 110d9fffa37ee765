"""Run the legal clock's sweep once over every registered clock, then check the calendar."""

from django.core.management.base import BaseCommand

from portal.clock import coverage, sweep


class Command(BaseCommand):
    help = (
        "Sweep every deadline clock once: accept late intakes (Art. 32), raise warning/overdue alerts once each, "
        "and check that the working-day calendar covers the coming 60 days."
    )

    def handle(self, *args, **options):
        result = sweep.run()
        self.stdout.write(self.style.SUCCESS(str(result) or "no clock registered"))
        missing = coverage.calendar_coverage_check()
        if missing:
            self.stdout.write(
                self.style.WARNING(f"Calendar: no official data from {missing[0]} ({len(missing)} days).")
            )
