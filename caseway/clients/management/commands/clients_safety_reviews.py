"""Announce the safety-plan reviews that are due (schedule it daily; see clients/safety_tasks.py)."""

from django.core.management.base import BaseCommand

from caseway.clients.safety import safety_reviews_run


class Command(BaseCommand):
    help = (
        "Give the caseworker a task (CaseAlert SAFETY_PLAN_REVIEW) for every safety plan whose review date has "
        "come, once per saved plan. --dry-run only counts them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the plans due; change nothing.")

    def handle(self, *args, dry_run, **options):
        report = None
        if options["verbosity"] >= 2:

            def report(done, total):
                self.stdout.write(f"{done} of {total}")

        result = safety_reviews_run(dry_run=dry_run, progress=report)
        if dry_run:
            self.stdout.write(f"Dry run: {result.due} safety plans are due for review. Nothing was changed.")
            return
        self.stdout.write(
            self.style.SUCCESS(f"{result.created} review tasks created for {result.due} safety plans due for review.")
        )
