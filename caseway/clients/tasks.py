"""Background jobs of the clients app, and the periodic ones among them (``PERIODIC_JOBS``).

``manage.py run_periodic`` (cron, every 5 minutes; ``caseway.scheduling``) enqueues each periodic
job at most once per its interval; ``db_worker`` runs them.
"""

import datetime

from django.tasks import task

from caseway.clients.intake import abandoned_drafts_shred
from caseway.clients.retention import retention_run
from caseway.clients.safety_tasks import safety_plan_reviews
from caseway.scheduling.registry import PeriodicJob


@task
def apply_retention_policies(now: str | None = None) -> dict:
    """Erase the closed cases each organization's retention policy no longer keeps.

    Run daily by ``run_periodic`` (or ``manage.py clients_retention`` by hand). ``now`` (ISO 8601)
    lets a run act as of another time; task arguments must be JSON.
    """
    at = datetime.datetime.fromisoformat(now) if now else None
    return retention_run(now=at).as_dict()


@task
def shred_abandoned_intakes(now: str | None = None) -> dict:
    """Delete the intakes left unfinished for ``INTAKE_DRAFT_MAX_HOURS`` and destroy their keys.

    Run hourly by ``run_periodic``. Returns ``{"shredded": ...}``.
    """
    at = datetime.datetime.fromisoformat(now) if now else None
    return {"shredded": abandoned_drafts_shred(now=at)}


PERIODIC_JOBS = [
    PeriodicJob("clients.retention", apply_retention_policies, every=datetime.timedelta(days=1)),
    PeriodicJob("clients.safety_plan_reviews", safety_plan_reviews, every=datetime.timedelta(days=1)),
    PeriodicJob("clients.abandoned_intakes", shred_abandoned_intakes, every=datetime.timedelta(hours=1)),
]
