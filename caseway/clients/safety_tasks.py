"""Background job of safety plans (kept apart from ``tasks.py``, which holds the other jobs).

``run_periodic`` enqueues ``safety_plan_reviews`` daily (it is declared in ``tasks.PERIODIC_JOBS``);
``manage.py clients_safety_reviews`` runs the same ``safety.safety_reviews_run`` by hand.
"""

import datetime

from django.tasks import task

from caseway.clients.safety import safety_reviews_run


@task
def safety_plan_reviews(now: str | None = None) -> dict:
    """Give the caseworker a review task for every safety plan whose review date has come.

    ``now`` (ISO 8601) lets a run act as of another time; task arguments must be JSON.
    Returns ``{"due": ..., "created": ...}``.
    """
    at = datetime.datetime.fromisoformat(now) if now else None
    return safety_reviews_run(now=at).as_dict()
