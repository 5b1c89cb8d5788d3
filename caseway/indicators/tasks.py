"""Background jobs of the indicators app (``PERIODIC_JOBS``: ``manage.py run_periodic`` enqueues them)."""

import datetime

from django.tasks import task
from django.utils import timezone

from caseway.indicators.periods import Period
from caseway.indicators.services import default_periods, snapshots_compute
from caseway.scheduling.registry import PeriodicJob


@task
def recompute_snapshots(periods: list[str] | None = None, today: str | None = None) -> dict:
    """Recompute the snapshots of ``periods`` (keys such as ``2026-03``; default: the current and
    previous month, quarter and year as of ``today``, an ISO date, default today), for the network
    and every active organization, whole and by each allowed dimension. Frozen ones stay."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    chosen = [Period.parse(key) for key in periods] if periods else default_periods(day)
    return snapshots_compute(periods=chosen)


PERIODIC_JOBS = [
    PeriodicJob("indicators.recompute_snapshots", recompute_snapshots, every=datetime.timedelta(days=1)),
]
