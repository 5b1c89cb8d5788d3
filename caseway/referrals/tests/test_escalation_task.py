"""The escalation as a background task and as ``manage.py referrals_escalate``: the same code."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus

from caseway.referrals.models import Referral, ReferralAlert, Status
from caseway.referrals.tasks import escalate_overdue_referrals
from caseway.referrals.tests.helpers import a_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(personas):
    referral = a_referral(personas, Status.SENT)
    Referral.objects.filter(pk=referral.pk).update(due_at=referral.sent_at - datetime.timedelta(minutes=1))
    referral.refresh_from_db()
    return referral


def test_the_task_escalates_overdue_referrals(overdue):
    result = escalate_overdue_referrals.enqueue()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"due": 1, "receivers_alerted": 1, "senders_told": 0}
    assert ReferralAlert.objects.filter(referral=overdue, level=1).count() == 1


def test_the_task_takes_a_time_to_act_as_of(personas):
    referral = a_referral(personas, Status.SENT)

    assert escalate_overdue_referrals.enqueue(now=referral.sent_at.isoformat()).return_value["due"] == 0
    later = (referral.due_at + datetime.timedelta(hours=30)).isoformat()
    assert escalate_overdue_referrals.enqueue(now=later).return_value == {
        "due": 1,
        "receivers_alerted": 1,
        "senders_told": 0,
    }


def test_the_command_counts_without_changing_anything_on_a_dry_run(overdue):
    out = StringIO()

    call_command("referrals_escalate", "--dry-run", stdout=out)

    assert "1 referrals are due for escalation" in out.getvalue()
    assert not ReferralAlert.objects.exists()


def test_the_command_reports_what_it_did(overdue):
    out = StringIO()

    call_command("referrals_escalate", "-v", "2", stdout=out)

    assert "1 of 1" in out.getvalue()
    assert "1 receiving organizations alerted and 0 senders told" in out.getvalue()
    assert ReferralAlert.objects.filter(referral=overdue).count() == 1
    out = StringIO()
    call_command("referrals_escalate", stdout=out)
    assert "0 receiving organizations alerted and 0 senders told, of 0" in out.getvalue()


def test_run_periodic_escalates_every_five_minutes(overdue):
    from caseway.scheduling import registry

    declared = {job.name: job for job in registry.jobs()}
    assert declared["referrals.escalation"].every == datetime.timedelta(minutes=5)
    assert declared["referrals.escalation"].task.module_path == "caseway.referrals.tasks.escalate_overdue_referrals"

    call_command("run_periodic", job=["referrals.escalation"], stdout=StringIO())

    assert ReferralAlert.objects.filter(referral=overdue, level=1).count() == 1
