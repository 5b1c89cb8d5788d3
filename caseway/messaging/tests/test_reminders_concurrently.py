"""Two reminder workers at the same moment, on real connections of their own (SQLite file copy and
PostgreSQL, as for the referral escalations): each reminder is queued once and sent once."""

import threading

import pytest

from caseway.audit.models import AuditEvent
from caseway.messaging import channels, reminders
from caseway.messaging.models import Notification
from caseway.messaging.tests.helpers import a_day, a_reminded_case, an_appointment_on
from caseway.referrals.tests.test_referral_accept_concurrently import in_a_thread, production_like_database
from caseway.tests.concurrency import at_once
from caseway.tests.personas import build_personas

pytestmark = pytest.mark.django_db(transaction=True)


class CountingBackend(channels.Backend):
    """An SMS backend that counts what it is asked to send (class-level: each worker builds its own)."""

    sent = []
    lock = threading.Lock()

    def send(self, *, notification_id, destination, text):
        with self.lock:
            CountingBackend.sent.append(notification_id)
        return channels.Result(ok=True, code="counted")


def _stored():
    return {
        "rows": sorted(Notification.objects.values_list("status", flat=True)),
        "queued": AuditEvent.objects.filter(action="messaging.reminder_queued").count(),
        "sent": AuditEvent.objects.filter(action="messaging.notification_sent").count(),
    }


def test_it_queues_and_sends_once_when_two_workers_run_at_the_same_moment(tmp_path, settings):
    settings.MESSAGING_SMS_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.sent = []
    personas = build_personas()
    for _ in range(3):
        an_appointment_on(personas, a_reminded_case(personas), a_day(2, hour=15))

    with production_like_database(tmp_path):
        queued = at_once(lambda: reminders.reminders_queue_run(now=a_day(1, hour=19)).as_dict())
        sent = at_once(lambda: reminders.notifications_send_run(now=a_day(2, hour=9)).as_dict())
        stored = in_a_thread(_stored)

    assert all(isinstance(result, dict) for result in queued + sent), (queued, sent)
    assert sum(result.get("pending", 0) for result in queued) == 3, queued
    assert sum(result.get("sent", 0) for result in sent) == 3, sent
    assert len(CountingBackend.sent) == 3 and len(set(CountingBackend.sent)) == 3
    assert stored == {"rows": ["sent"] * 3, "queued": 3, "sent": 3}
