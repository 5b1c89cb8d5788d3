"""Two escalation workers at the same moment, on real connections of their own (SQLite file copy
and PostgreSQL, as for simultaneous acceptances): each level is alerted once."""

import threading

import pytest
from django.db import connections

from caseway.audit.models import AuditEvent
from caseway.referrals import escalation
from caseway.referrals.models import ReferralAlert, ReferralEvent, Status
from caseway.referrals.tests.helpers import a_referral
from caseway.referrals.tests.test_referral_accept_concurrently import in_a_thread, production_like_database
from caseway.tests.personas import build_personas

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 2


def run_at_once(now):
    start = threading.Barrier(WORKERS)
    results = []

    def work():
        try:
            start.wait()
            results.append(escalation.escalations_run(now=now).as_dict())
        except Exception as error:  # reported by the assertions
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _stored():
    return {
        "alerts": sorted(ReferralAlert.objects.values_list("referral_id", "level")),
        "events": ReferralEvent.objects.filter(code__startswith="overdue_").count(),
        "audited": AuditEvent.objects.filter(action="referrals.referral_escalated").count(),
    }


def test_it_alerts_once_when_two_workers_escalate_at_the_same_moment(tmp_path):
    personas = build_personas()
    referrals = [a_referral(personas, Status.SENT) for _ in range(3)]
    now = max(referral.due_at for referral in referrals)

    with production_like_database(tmp_path):
        results = run_at_once(now)
        stored = in_a_thread(_stored)

    assert all(isinstance(result, dict) for result in results), results
    assert sum(result["receivers_alerted"] for result in results) == 3, results
    assert sum(result["senders_told"] for result in results) == 0, results
    assert stored == {"alerts": sorted((referral.pk, 1) for referral in referrals), "events": 3, "audited": 3}
