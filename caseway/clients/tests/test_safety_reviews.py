"""Safety-plan review reminders: the daily run, its task and its command."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone

from caseway.clients import safety
from caseway.clients.models import Case, CaseAlert, CaseStatus, Client, SafetyPlan
from caseway.clients.safety_tasks import safety_plan_reviews
from caseway.clients.tests.assessments_helpers import a_plan, case_at_a, events

pytestmark = pytest.mark.django_db


def reviews():
    return CaseAlert.objects.filter(kind=CaseAlert.Kind.SAFETY_PLAN_REVIEW)


@pytest.fixture
def due_plan(personas):
    """A plan saved 30 days ago whose review date was yesterday."""
    case = case_at_a(personas)
    plan = a_plan(personas.caseworker_a, case)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    SafetyPlan.objects.filter(pk=plan.pk).update(
        review_date=timezone.localdate() - datetime.timedelta(days=1), updated_at=long_ago
    )
    return SafetyPlan.objects.get(pk=plan.pk)


def test_it_gives_the_caseworker_a_task_when_the_review_date_comes(personas, due_plan):
    run = safety.safety_reviews_run()

    assert run.as_dict() == {"due": 1, "created": 1}
    alert = reviews().get()
    assert (alert.case_id, alert.audience, alert.is_task) == (due_plan.case_id, "caseworker", True)
    assert alert.assigned_to == personas.caseworker_a
    assert alert.due_at >= timezone.now() - datetime.timedelta(minutes=1)
    (event,) = events("clients.safety_review_alerted")
    assert event.actor_label == safety.SYSTEM_ACTOR_LABEL
    assert event.fields == ["kind", "assigned_to", "due_at"]


def test_it_announces_a_review_date_once(due_plan):
    safety.safety_reviews_run()
    safety.safety_reviews_run()
    assert reviews().count() == 1


def test_it_does_not_announce_again_after_the_task_is_done_until_the_plan_is_saved(personas, due_plan):
    safety.safety_reviews_run()
    reviews().update(resolved_at=timezone.now())
    assert safety.safety_reviews_run().created == 0

    case = due_plan.case
    a_plan(personas.caseworker_a, case, code_word="new")  # reviewed: next review in 14 days
    later = timezone.now() + datetime.timedelta(days=15)
    assert safety.safety_reviews_run(now=later).created == 1
    assert reviews().filter(resolved_at__isnull=True).count() == 1


def test_it_leaves_plans_not_due_yet(personas):
    a_plan(personas.caseworker_a, case_at_a(personas))
    assert safety.safety_reviews_run().as_dict() == {"due": 0, "created": 0}


def test_it_leaves_closed_cases_and_erased_clients(personas, due_plan):
    Case.objects.filter(pk=due_plan.case_id).update(status=CaseStatus.CLOSED)
    assert safety.safety_reviews_run().due == 0
    Case.objects.filter(pk=due_plan.case_id).update(status=CaseStatus.ACTIVE)
    Client.objects.filter(pk=due_plan.case.client_id).update(erased_at=timezone.now())
    assert safety.safety_reviews_run().due == 0


def test_a_case_without_caseworker_gets_an_unassigned_task_for_the_supervisors(due_plan):
    Case.objects.filter(pk=due_plan.case_id).update(caseworker=None)
    safety.safety_reviews_run()
    assert reviews().get().assigned_to is None


def test_a_dry_run_counts_and_writes_nothing(due_plan):
    assert safety.safety_reviews_run(dry_run=True).as_dict() == {"due": 1, "created": 0}
    assert not reviews().exists()


def test_the_task_runs_the_same_thing(due_plan):
    result = safety_plan_reviews.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"due": 1, "created": 1}


def test_the_task_takes_a_time_to_act_as_of(due_plan):
    earlier = (timezone.now() - datetime.timedelta(days=5)).isoformat()
    assert safety_plan_reviews.enqueue(now=earlier).return_value == {"due": 0, "created": 0}


def test_the_command_reports_what_it_did(due_plan):
    out = StringIO()
    call_command("clients_safety_reviews", "--dry-run", stdout=out)
    assert "1 safety plans are due" in out.getvalue() and not reviews().exists()

    out = StringIO()
    call_command("clients_safety_reviews", "-v", "2", stdout=out)
    assert "1 of 1" in out.getvalue()
    assert "1 review tasks created" in out.getvalue()
    assert reviews().count() == 1


def test_the_review_task_shows_in_the_caseworkers_inbox(personas, login_as, due_plan):
    safety.safety_reviews_run()
    page = login_as(personas.caseworker_a).get(reverse("clients:alert_inbox")).content.decode()
    assert "Safety plan review is due" in page
