"""Small tools the audit tests share."""

from contextlib import contextmanager
from unittest import mock

from caseway import audit


def record_many(count, *, action="orgs.member_viewed", **kwargs):
    return [audit.record(None, action, None, **kwargs) for _ in range(count)]


@contextmanager
def clock_at(moment):
    """Events recorded inside get ``moment`` as their time (rows cannot be back-dated afterwards)."""
    with mock.patch("caseway.audit.services.timezone.now", return_value=moment):
        yield
