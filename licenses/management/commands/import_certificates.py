"""Import existing certificates from a CSV file, row by row, with a report of the rows refused."""

from django.core.management.base import BaseCommand, CommandError

from licenses.services import IMPORT_COLUMNS, certificates_import


class Command(BaseCommand):
    help = f"Import certificates from a UTF-8 CSV with the columns {', '.join(IMPORT_COLUMNS)}."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, with a header row)")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                report = certificates_import(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        for line, message in report.errors:
            self.stdout.write(self.style.ERROR(f"line {line}: {message}"))
        self.stdout.write(
            self.style.SUCCESS(f"{report.imported} certificates imported, {len(report.errors)} rows refused.")
        )
