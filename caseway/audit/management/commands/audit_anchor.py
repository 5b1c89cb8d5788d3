"""Append the signed audit chain head to the anchor file (run it on a schedule; see tasks.py)."""

import json

from django.core.management.base import BaseCommand, CommandError

from caseway.audit.services import AuditChainError, anchor_write


class Command(BaseCommand):
    help = "Write the signed head of the audit chain as one line to the anchor file and print it."

    def add_arguments(self, parser):
        parser.add_argument("--anchor-file", default=None, help="Where to append (default: AUDIT_ANCHOR_FILE).")

    def handle(self, *args, anchor_file, **options):
        try:
            anchor = anchor_write(path=anchor_file)
        except AuditChainError as error:
            raise CommandError(str(error), returncode=1) from error
        self.stdout.write(json.dumps(anchor, sort_keys=True))
