"""Background jobs of the legal app (``PERIODIC_JOBS``: ``manage.py run_periodic`` enqueues them)."""

import datetime

from django.tasks import task

from caseway.legal.alerts import deadline_alerts_run
from caseway.scheduling.registry import PeriodicJob


@task
def deadline_alerts(today: str | None = None) -> dict:
    """Alerts for the deadlines now within a lead time; ``today`` (ISO date) runs as of another day."""
    day = datetime.date.fromisoformat(today) if today else None
    return {"created": deadline_alerts_run(today=day)}


PERIODIC_JOBS = [
    PeriodicJob("legal.deadline_alerts", deadline_alerts, every=datetime.timedelta(hours=6)),
]
