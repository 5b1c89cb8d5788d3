"""Erasure: a client erased completely with a statistical stub loses the casework rows holding
free text (notes, plan, goals, progress, tasks) and keeps its milestones; a case erased alone
takes all of its casework with it."""

import pytest
from django.utils import timezone

from caseway.casework import plan_services
from caseway.casework.models import CaseNote, CasePlan, Goal, GoalProgress, Milestone, Task
from caseway.casework.tests.case_helpers import a_goal, a_note, a_task, member, our_case
from caseway.clients import erasure
from caseway.clients.erasure import Outcome
from caseway.clients.models import Case, ConsentPurpose
from caseway.clients.tests.factories import give_consent
from caseway.clients.tests.object_urls_erasure import second_admin

pytestmark = pytest.mark.django_db


def worked_on(personas, case):
    goal = a_goal(personas, case)
    cw = personas.caseworker_a
    plan_services.goal_progress_add(actor=cw, membership=member(cw), case=case, goal=goal, text="Went well.")
    a_task(personas, case, goal=goal)
    a_note(personas, case)
    plan_services.milestone_record(
        actor=cw, membership=member(cw), case=case, kind="safe_housing", reached_on=timezone.localdate()
    )


def erase(personas, case):
    requester = second_admin(personas.org_a)
    request = erasure.erasure_request(
        actor=requester, membership=member(requester), case=case, reason_code="client_asked", reason="Asked."
    )
    return erasure.erasure_approve(actor=personas.admin_a, membership=member(personas.admin_a), erasure=request)


def counts():
    return {
        model.__name__: model.objects.count() for model in (CaseNote, CasePlan, Goal, GoalProgress, Task, Milestone)
    }


def test_a_stub_keeps_milestones_only(personas):
    case = our_case(personas)
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member(personas.caseworker_a))
    worked_on(personas, case)

    result = erase(personas, case)

    assert result.outcome == Outcome.STUB
    assert counts() == {"CaseNote": 0, "CasePlan": 0, "Goal": 0, "GoalProgress": 0, "Task": 0, "Milestone": 1}
    assert Milestone.objects.get().case_id == case.pk
    assert Case.objects.get(pk=case.pk).follow_up_days is None  # the plan went: no follow-up either


def test_a_client_erased_without_a_stub_leaves_nothing(personas):
    case = our_case(personas)
    worked_on(personas, case)

    assert erase(personas, case).outcome == Outcome.DELETED
    assert set(counts().values()) == {0}


def test_a_case_erased_alone_takes_its_casework_and_leaves_the_other_organizations(personas):
    case = our_case(personas)
    worked_on(personas, case)
    Case.objects.create(organization=personas.org_b, client=case.client, origin=Case.Origin.REFERRAL)

    assert erase(personas, case).outcome == Outcome.CASE_ONLY
    assert set(counts().values()) == {0}
