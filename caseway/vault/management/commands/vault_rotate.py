"""Re-wrap every data key under the newest key-encryption key in CASEWAY_VAULT_KEYS.

Rotation procedure: add the new version (``1:<old>,2:<new>``), deploy, run this command,
then remove the old version. Data is never re-encrypted; only the wrapped data keys change.
"""

from django.core.management.base import BaseCommand, CommandError

from caseway.lib.crypto import Keyring, VaultConfigurationError, VaultError
from caseway.vault.services import data_keys_rewrap


class Command(BaseCommand):
    help = "Re-wrap every data key under the current (highest) key-encryption key version."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Keys per transaction (default 500).")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            keyring = Keyring.from_settings()
        except VaultConfigurationError as error:
            raise CommandError(f"CASEWAY_VAULT_KEYS is invalid: {error}") from error

        def report(done, total):
            self.stdout.write(f"{done} of {total}")

        try:
            count = data_keys_rewrap(batch_size=batch_size, progress=report)
        except VaultError as error:
            raise CommandError(f"Rotation stopped: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(f"Re-wrapped {count} data keys under key version {keyring.current_version}.")
        )
