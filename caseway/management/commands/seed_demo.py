import json
import os
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Creates (or completes) the fictional demo network and prints its logins. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--up-to",
            metavar="APP_LABEL",
            help="Seed the apps up to this one (e.g. orgs, directory) and stop: quicker for tests of lower floors.",
        )

    def handle(self, *args, **options):
        if settings.MODE not in {"demo", "test"}:
            raise CommandError(
                "seed_demo creates accounts with a published password. It runs only with CASEWAY_MODE=demo."
            )
        up_to = options.get("up_to")
        if up_to and up_to not in {config.label for config in apps.get_app_configs()}:
            raise CommandError(f"--up-to: no app labelled {up_to!r}.")
        network = {}
        # All or nothing: a failing app leaves no half-seeded network behind.
        with transaction.atomic():
            # Each app may ship a `demo` module; they run in floor order, so later apps find earlier data.
            for app_config in apps.get_app_configs():
                if not app_config.name.startswith("caseway"):
                    continue
                module_name = f"{app_config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                self.stdout.write(f"Seeding {app_config.label} …")
                import_module(module_name).seed(network)
                if app_config.label == options.get("up_to"):
                    break
        from caseway.orgs.demo import logins

        rows = logins()
        self._print(rows)
        self._print_portal(network.get("portal_logins", []))
        if settings.DEMO_MODE:
            path = self._write_private(settings.VAR_DIR / "demo-logins.json", json.dumps(rows, indent=2))
            self.stdout.write(f"\nThe same logins are in {path}")

    @staticmethod
    def _write_private(path, text):
        """Written readable by the owner only from the first byte (no window with the umask's mode)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # an older file keeps its mode through O_CREAT; tighten it too
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def _print_portal(self, rows):
        if not rows:
            return
        self.stdout.write(self.style.MIGRATE_HEADING("\nPortal (/portal/): fictional clients"))
        for row in rows:
            if "pin" in row:
                self.stdout.write(f"{row['organization']:<5} number {row['number']}  PIN {row['pin']}")
            else:
                self.stdout.write(
                    f"{row['organization']:<5} number {row['number']}  invitation code {row['code']} "
                    "(choose a PIN at /portal/start/)"
                )

    def _print(self, rows):
        self.stdout.write(self.style.MIGRATE_HEADING("\nDemo logins (fictional people; password for all below)"))
        if rows:
            self.stdout.write(f"Password: {rows[0]['password']}\n")
        for row in rows:
            self.stdout.write(f"{row['email']:<45} {row['organization']:<5} {row['role']}")
            self.stdout.write(f"    TOTP: {row['totp_uri']}")
            self.stdout.write(f"    backup codes: {' '.join(row['backup_codes'][:3])}")
