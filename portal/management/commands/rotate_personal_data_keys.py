"""Re-encrypt every encrypted personal identifier with the first key (a key rotation's middle step)."""

from django.core.management.base import BaseCommand

from portal.services import personal_data_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every ID number and phone with the first key of PERSONAL_DATA_KEYS (after putting a new key "
        "first), so the old key can be removed. With --rehash, also recompute every look-up hash with the current "
        "PERSONAL_DATA_HASH_KEY (after changing it). Safe to run twice and while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rehash",
            action="store_true",
            help="Recompute the keyed look-up hashes too (run it right after PERSONAL_DATA_HASH_KEY changed).",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Rows read and written at a time.")

    def handle(self, *args, rehash=False, batch_size=500, **options):
        counts = personal_data_rotate(rehash=rehash, batch_size=max(1, batch_size))
        for count in counts:
            line = f"{count.model}: {count.rows} rows, {count.reencrypted} re-encrypted"
            if rehash:
                line += f", {count.rehashed} rehashed"
            self.stdout.write(line)
        total = sum(count.reencrypted for count in counts)
        rehashed = sum(count.rehashed for count in counts)
        summary = f"Done: {total} rows re-encrypted" + (f", {rehashed} rows rehashed." if rehash else ".")
        self.stdout.write(self.style.SUCCESS(summary))
