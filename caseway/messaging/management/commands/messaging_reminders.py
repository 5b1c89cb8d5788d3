"""Queue due appointment reminders and send the outbox (scheduled every 5 minutes; see messaging/tasks.py)."""

from django.core.management.base import BaseCommand

from caseway.messaging.reminders import notifications_send_run, reminders_queue_run


def _counts(run) -> str:
    return ", ".join(f"{outcome} {count}" for outcome, count in sorted(run.counts.items())) or "none"


class Command(BaseCommand):
    help = (
        "Queue the reminders of scheduled appointments starting within CASEWAY_REMINDER_HOURS (only by a "
        "channel the client consented to, in their safe times), then send the outbox rows whose window is "
        "open. --dry-run only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what is due; change nothing.")

    def handle(self, *args, dry_run, **options):
        queued = reminders_queue_run(dry_run=dry_run)
        sent = notifications_send_run(dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Dry run: {queued.due} appointments due for a reminder, {sent.due} outbox rows due. "
                "Nothing was changed."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminders: {queued.due} due ({_counts(queued)}). Outbox: {sent.due} due ({_counts(sent)})."
            )
        )
