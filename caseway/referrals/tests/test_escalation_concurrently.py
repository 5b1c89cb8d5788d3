"""Two escalation workers at the same moment, on real connections of their own (SQLite file copy
and PostgreSQL, as for simultaneous acceptances): each level is alerted once."""

import pytest

from caseway.audit.models import AuditEvent
from caseway.referrals import escalation
from caseway.referrals.models import ReferralAlert, ReferralEvent, Status
from caseway.referrals.tests.helpers import a_referral
from caseway.referrals.tests.test_referral_accept_concurrently import in_a_thread, production_like_database
from caseway.tests.concurrency import at_once
from caseway.tests.personas import build_personas

pytestmark = pytest.mark.django_db(transaction=True)


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
        results = at_once(lambda: escalation.escalations_run(now=now).as_dict())
        stored = in_a_thread(_stored)

    assert all(isinstance(result, dict) for result in results), results
    assert sum(result["receivers_alerted"] for result in results) == 3, results
    assert sum(result["senders_told"] for result in results) == 0, results
    assert stored == {"alerts": sorted((referral.pk, 1) for referral in referrals), "events": 3, "audited": 3}
