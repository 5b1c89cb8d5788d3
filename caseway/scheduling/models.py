"""When each periodic job last ran: what makes ``run_periodic`` safe to call as often as cron likes."""

from django.db import models


class JobRun(models.Model):
    """One row per periodic job (by its registered name): its last run and when it is next due.

    ``next_due_at`` advances by the job's interval from the previous due time, not from the moment
    cron happened to fire, so a daily job does not drift later by the cron period every day.
    """

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    last_task_id = models.CharField(max_length=64, blank=True)
    runs = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.name} (last run {self.last_run_at})"
