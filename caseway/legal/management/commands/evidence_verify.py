"""Re-hash every evidence original, recompute every custody chain and compare it with the audit log;
check the audit chain too. Exit 1 naming each damaged item."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from caseway.audit.services import verify_chain
from caseway.legal.evidence_verify import verify_evidence
from caseway.legal.models import LegalMatter


class Command(BaseCommand):
    help = (
        "Verify the evidence register: each original against its SHA-256, each chain of custody against its "
        "digests and the audit log, and the audit chain. Exits 1 when anything does not match."
    )

    def add_arguments(self, parser):
        parser.add_argument("--matter", default=None, help="Only this legal matter's evidence (its id).")
        parser.add_argument("--every", type=int, default=100, help="Report progress every N items (default 100).")

    def handle(self, *args, matter, every, **options):
        if every < 1:
            raise CommandError("--every must be at least 1.")
        verbosity = options["verbosity"]
        scope = None
        if matter is not None:
            try:
                scope = LegalMatter.objects.filter(pk=matter).first()
            except ValidationError:
                scope = None
            if scope is None:
                raise CommandError(f"No legal matter {matter}.")

        def progress(checked, total):
            if verbosity >= 1:
                self.stdout.write(f"checked {checked} of {total} items")

        reports = verify_evidence(matter=scope, progress=progress, every=every)
        damaged = [report for report in reports if not report.ok]
        for report in reports:
            if not report.ok:
                self.stdout.write(self.style.ERROR(str(report)))
            elif report.skipped or verbosity >= 2:
                self.stdout.write(str(report))
        chain = verify_chain()
        if not chain.ok:
            self.stdout.write(self.style.ERROR(f"audit chain: {chain}"))
        summary = (
            f"{len(reports)} items checked, {len(damaged)} with damage; audit chain {'OK' if chain.ok else 'FAILED'}"
        )
        if damaged or not chain.ok:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
