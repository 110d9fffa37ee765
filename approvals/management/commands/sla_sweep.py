"""Run the SLA sweep once: accept late intakes, raise and alert time-limit levels."""

from django.core.management.base import BaseCommand

from approvals import sla


class Command(BaseCommand):
    help = "Accept applications whose intake is late (Art. 32) and raise warning/overdue alerts, once each."

    def handle(self, *args, **options):
        result = sla.sla_sweep()
        self.stdout.write(self.style.SUCCESS(str(result)))
        missing = sla.calendar_coverage_check()
        if missing:
            self.stdout.write(
                self.style.WARNING(f"Calendar: no official data from {missing[0]} ({len(missing)} days).")
            )
