"""The clients app's periodic jobs, run by ``manage.py run_periodic`` as cron would."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from caseway.clients import intake
from caseway.clients.models import CaseAlert, Client, IntakeDraft, RetentionPolicy, SafetyPlan
from caseway.clients.tests.assessments_helpers import a_plan, case_at_a
from caseway.clients.tests.erasure_helpers import close, identified_case
from caseway.clients.tests.intake_helpers import draft_at
from caseway.scheduling.models import JobRun

pytestmark = pytest.mark.django_db


def test_one_cron_run_does_the_days_work_and_the_next_one_nothing(personas, settings):
    settings.INTAKE_DRAFT_MAX_HOURS = 72
    RetentionPolicy.objects.create(organization=personas.org_a, erase_closed_after_days=30)
    expired = close(identified_case(personas), days_ago=31)
    plan = a_plan(personas.caseworker_a, case_at_a(personas))
    SafetyPlan.objects.filter(pk=plan.pk).update(
        review_date=timezone.localdate() - datetime.timedelta(days=1),
        updated_at=timezone.now() - datetime.timedelta(days=30),
    )
    abandoned = draft_at(personas.caseworker_a, intake.NEEDS)
    IntakeDraft.objects.filter(pk=abandoned.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=80))

    # The daily indicator snapshots (every organization × period × breakdown) are tested on their
    # own (caseway/indicators/tests/test_snapshots.py); here they would take most of a minute.
    JobRun.objects.create(
        name="indicators.recompute_snapshots", next_due_at=timezone.now() + datetime.timedelta(days=1)
    )
    first, second = StringIO(), StringIO()
    call_command("run_periodic", stdout=first)
    call_command("run_periodic", stdout=second)

    assert Client.objects.get(pk=expired.client_id).is_erased
    assert CaseAlert.objects.filter(kind=CaseAlert.Kind.SAFETY_PLAN_REVIEW, case_id=plan.case_id).count() == 1
    assert not IntakeDraft.objects.filter(pk=abandoned.pk).exists()
    for name in ("clients.retention", "clients.safety_plan_reviews", "clients.abandoned_intakes"):
        assert f"{name}: enqueued" in first.getvalue()
        assert f"{name}: not due until" in second.getvalue()
        assert JobRun.objects.get(name=name).runs == 1
