"""Apply every organization's retention policy now (schedule it daily; see clients/tasks.py)."""

from django.core.management.base import BaseCommand

from caseway.clients.retention import retention_run


class Command(BaseCommand):
    help = (
        "Erase the closed cases that each organization's retention policy no longer keeps, through the same "
        "path as an approved erasure. --dry-run only counts them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the cases due; change nothing.")

    def handle(self, *args, dry_run, **options):
        report = None
        if options["verbosity"] >= 2:

            def report(done, total):
                self.stdout.write(f"{done} of {total}")

        result = retention_run(dry_run=dry_run, progress=report)
        if dry_run:
            self.stdout.write(
                f"Dry run: {result.due} closed cases are due for erasure in {result.organizations} organizations "
                "with a retention policy. Nothing was changed."
            )
            return
        counts = result.as_dict()
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased {result.erased} of {result.due} cases due in {result.organizations} organizations "
                f"(clients erased with a statistical stub: {counts['stub']}, deleted: {counts['deleted']}, "
                f"only this organization's case: {counts['case_only']}, nothing left to erase: {counts['nothing']})."
            )
        )
