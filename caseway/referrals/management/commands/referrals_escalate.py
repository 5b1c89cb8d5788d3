"""Escalate unanswered referrals past their deadline (schedule it every few minutes; see referrals/tasks.py)."""

from django.core.management.base import BaseCommand

from caseway.referrals.escalation import escalations_run


class Command(BaseCommand):
    help = (
        "Alert the receiving organization's supervisors of every referral left unanswered past its deadline, "
        "then, after a further period, tell its sender. Each level once. --dry-run only counts them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the referrals due; change nothing.")

    def handle(self, *args, dry_run, **options):
        report = None
        if options["verbosity"] >= 2:

            def report(done, total):
                self.stdout.write(f"{done} of {total}")

        result = escalations_run(dry_run=dry_run, progress=report)
        if dry_run:
            self.stdout.write(f"Dry run: {result.due} referrals are due for escalation. Nothing was changed.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.receivers_alerted} receiving organizations alerted and {result.senders_told} senders told, "
                f"of {result.due} referrals due for escalation."
            )
        )
