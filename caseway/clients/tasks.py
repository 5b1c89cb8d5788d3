"""Background jobs of the clients app."""

import datetime

from django.tasks import task

from caseway.clients.retention import retention_run


@task
def apply_retention_policies(now: str | None = None) -> dict:
    """Erase the closed cases each organization's retention policy no longer keeps.

    Schedule it daily with the worker (or run ``manage.py clients_retention`` from cron). ``now``
    (ISO 8601) lets a run act as of another time; task arguments must be JSON.
    """
    at = datetime.datetime.fromisoformat(now) if now else None
    return retention_run(now=at).as_dict()
