"""Enqueue the periodic jobs that are due, each at most once per its interval.

``run_periodic`` (cron, every 5 minutes) calls ``run_due_jobs``. For each declared job, in its own
transaction, the job's ``JobRun`` row is locked, so two runs of the command at the same moment
cannot both enqueue it; a job is due when it never ran or its ``next_due_at`` has come. It is then
enqueued through Django tasks (``settings.TASKS``: the database queue worked by ``db_worker``;
run at once in tests) in the same transaction as its new ``last_run_at`` and ``next_due_at``, so
either both happen or neither. ``next_due_at`` is the previous due time plus the interval (no
drift), or now plus the interval when runs were missed (no burst of catching up).
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from caseway.scheduling.models import JobRun
from caseway.scheduling.registry import PeriodicJob, jobs


@dataclass(frozen=True)
class JobOutcome:
    name: str
    due: bool
    enqueued: bool
    next_due_at: object  # after this run: when the job is next due (None: never ran, due now)
    task_id: str = ""
    status: str = ""


def _row(name: str) -> JobRun:
    """The job's row, locked for the rest of the transaction (created the first time)."""
    try:
        return JobRun.objects.select_for_update().get(name=name)
    except JobRun.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            JobRun.objects.create(name=name)
    except IntegrityError:
        pass  # created by a run of the command at the same moment: lock that one
    return JobRun.objects.select_for_update().get(name=name)


def is_due(row: JobRun, now) -> bool:
    return row.next_due_at is None or row.next_due_at <= now


def _next_due(row: JobRun, job: PeriodicJob, now):
    if row.next_due_at is None:
        return now + job.every
    following = row.next_due_at + job.every
    return following if following > now else now + job.every


def run_job_if_due(job: PeriodicJob, *, now=None, dry_run=False) -> JobOutcome:
    now = now or timezone.now()
    if dry_run:
        row = JobRun.objects.filter(name=job.name).first() or JobRun(name=job.name)
        return JobOutcome(job.name, due=is_due(row, now), enqueued=False, next_due_at=row.next_due_at)
    with transaction.atomic():
        row = _row(job.name)
        if not is_due(row, now):
            return JobOutcome(job.name, due=False, enqueued=False, next_due_at=row.next_due_at)
        result = job.task.enqueue(**job.kwargs)
        row.next_due_at = _next_due(row, job, now)
        row.last_run_at = now
        row.last_task_id = str(result.id)[:64]
        row.runs += 1
        row.save(update_fields=["next_due_at", "last_run_at", "last_task_id", "runs"])
    return JobOutcome(
        job.name,
        due=True,
        enqueued=True,
        next_due_at=row.next_due_at,
        task_id=row.last_task_id,
        status=str(result.status),
    )


def run_due_jobs(*, now=None, dry_run=False, only=None) -> list[JobOutcome]:
    """Enqueue every due job (``only``: those names); ``dry_run`` says which are due and changes nothing."""
    now = now or timezone.now()
    return [run_job_if_due(job, now=now, dry_run=dry_run) for job in jobs() if only is None or job.name in only]
