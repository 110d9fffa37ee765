"""Store the verification QR code of the certificates that have none, in batches, while the portal serves."""

from django.core.management.base import BaseCommand

from licenses.services import certificates_store_qr


class Command(BaseCommand):
    help = "Encode and store the QR code of every certificate issued or imported without one."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="certificates per transaction (500)")

    def handle(self, *args, batch_size, **options):
        stored = certificates_store_qr(
            batch_size=batch_size, progress=lambda count: self.stdout.write(f"{count} certificates done")
        )
        self.stdout.write(self.style.SUCCESS(f"QR codes stored for {stored} certificates."))
