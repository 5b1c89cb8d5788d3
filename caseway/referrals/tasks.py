"""Background jobs of the referrals app, and the periodic ones among them (``PERIODIC_JOBS``).

``manage.py run_periodic`` (cron, every 5 minutes; ``caseway.scheduling``) enqueues
``escalate_overdue_referrals`` every 5 minutes: an emergency referral is due in 2 hours, so an
escalation must not wait long. ``manage.py referrals_escalate`` runs the same code by hand.
"""

import datetime

from django.tasks import task

from caseway.referrals.escalation import escalations_run
from caseway.scheduling.registry import PeriodicJob


@task
def escalate_overdue_referrals(now: str | None = None) -> dict:
    """Escalate unanswered referrals past their deadline: the receiver's supervisors, then the sender.

    ``now`` (ISO 8601) lets a run act as of another time; task arguments must be JSON.
    Returns ``{"due": ..., "receivers_alerted": ..., "senders_told": ...}``.
    """
    at = datetime.datetime.fromisoformat(now) if now else None
    return escalations_run(now=at).as_dict()


PERIODIC_JOBS = [
    PeriodicJob("referrals.escalation", escalate_overdue_referrals, every=datetime.timedelta(minutes=5)),
]
