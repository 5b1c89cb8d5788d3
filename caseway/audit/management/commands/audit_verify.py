"""Check the whole audit chain; exit 1 and name the first bad event when anything was tampered with."""

from django.core.management.base import BaseCommand, CommandError

from caseway.audit.models import AuditEvent
from caseway.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, signatures, head and anchors. Exits 1 on the first damage found."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000, help="Events read per query (default 1000).")
        parser.add_argument("--anchor-file", default=None, help="Anchor file to check against (default: setting).")

    def handle(self, *args, batch_size, anchor_file, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        total = AuditEvent.objects.count()
        report = None
        # Progress only where it helps: a chain longer than one batch.
        if total > batch_size and options["verbosity"] >= 1:

            def report(checked):
                self.stdout.write(f"checked {checked} of about {total} events")

        result = verify_chain(batch_size=batch_size, anchor_path=anchor_file, progress=report)
        if not result.ok:
            raise CommandError(str(result), returncode=1)
        if result.anchors == 0 and options["verbosity"] >= 1:
            self.stderr.write("warning: no anchors found; a cut-off end of the chain could go unnoticed")
        self.stdout.write(self.style.SUCCESS(str(result)))
