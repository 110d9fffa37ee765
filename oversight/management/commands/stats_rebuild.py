"""``manage.py stats_rebuild [--from DAY] [--to DAY]``: rebuild the statistics' daily snapshot."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from oversight.stats.services import stats_rebuild


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = "Rebuild the daily snapshot of the statistics, every day through yesterday unless a range is given."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=_day, help="first day to rebuild (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", type=_day, help="last day to rebuild (default: yesterday)")

    def handle(self, *args, start=None, end=None, **options):
        result = stats_rebuild(start=start, end=end)
        self.stdout.write(
            f"Statistics rebuilt from {result.start or 'the first record'} through {result.end}: {result.rows} rows."
        )
