"""manage.py run_periodic: enqueue the periodic jobs that are due (run it from cron every 5 minutes)."""

from django.core.management.base import BaseCommand, CommandError

from caseway.scheduling.registry import jobs
from caseway.scheduling.services import run_due_jobs


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs that are due (each app's tasks.PERIODIC_JOBS), each at most once per its "
        "interval however often this runs. Run it from cron every 5 minutes; db_worker runs the jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say which jobs are due; enqueue nothing.")
        parser.add_argument(
            "--list", action="store_true", dest="list_jobs", help="List the declared jobs and their intervals."
        )
        parser.add_argument("--job", action="append", dest="only", help="Only this job (by name); repeatable.")

    def handle(self, *args, dry_run=False, list_jobs=False, only=None, **options):
        declared = jobs()
        if list_jobs:
            for job in declared:
                self.stdout.write(f"{job.name}\tevery {job.every}\t{job.task.module_path}")
            return
        unknown = set(only or ()) - {job.name for job in declared}
        if unknown:
            raise CommandError(f"No periodic job is named {', '.join(sorted(unknown))}.")
        for outcome in run_due_jobs(dry_run=dry_run, only=set(only) if only else None):
            self.stdout.write(f"{outcome.name}: {self._describe(outcome)}")

    @staticmethod
    def _describe(outcome) -> str:
        when = outcome.next_due_at.isoformat(timespec="minutes") if outcome.next_due_at else ""
        if outcome.enqueued:
            return f"enqueued (task {outcome.task_id}, {outcome.status}); next due {when}"
        if outcome.due:
            return "due (dry run: not enqueued)"
        return f"not due until {when}"
