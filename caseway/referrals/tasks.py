"""Background jobs of the referrals app (registered with the periodic-job runner elsewhere).

Schedule ``escalate_overdue_referrals`` often (every 5–15 minutes: an emergency referral is due in
2 hours), or run ``manage.py referrals_escalate`` from cron: both call ``escalation.escalations_run``.
"""

import datetime

from django.tasks import task

from caseway.referrals.escalation import escalations_run


@task
def escalate_overdue_referrals(now: str | None = None) -> dict:
    """Escalate unanswered referrals past their deadline: the receiver's supervisors, then the sender.

    ``now`` (ISO 8601) lets a run act as of another time; task arguments must be JSON.
    Returns ``{"due": ..., "receivers_alerted": ..., "senders_told": ...}``.
    """
    at = datetime.datetime.fromisoformat(now) if now else None
    return escalations_run(now=at).as_dict()
