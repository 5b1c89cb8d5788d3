"""Background jobs of the messaging app, and the periodic ones among them (``PERIODIC_JOBS``).

``manage.py run_periodic`` (cron, every 5 minutes; ``caseway.scheduling``) enqueues
``appointment_reminders`` every 5 minutes: safe-time windows can be short (an hour on two days a
week), so the outbox must look often. ``manage.py messaging_reminders`` runs the same code by hand.
"""

import datetime

from django.tasks import task

from caseway.messaging.reminders import notifications_send_run, reminders_queue_run
from caseway.scheduling.registry import PeriodicJob


@task
def appointment_reminders(now: str | None = None) -> dict:
    """Queue the reminders now due, then send the outbox rows whose safe-time window is open.

    ``now`` (ISO 8601) lets a run act as of another time; task arguments must be JSON.
    Returns ``{"queued": {...}, "sent": {...}}``: counts by outcome, no client data.
    """
    at = datetime.datetime.fromisoformat(now) if now else None
    queued = reminders_queue_run(now=at).as_dict()
    return {"queued": queued, "sent": notifications_send_run(now=at).as_dict()}


PERIODIC_JOBS = [
    PeriodicJob("messaging.appointment_reminders", appointment_reminders, every=datetime.timedelta(minutes=5)),
]
