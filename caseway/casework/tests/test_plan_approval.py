"""Plan approval (supervision_services): a supervisor who did not write it approves or returns it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from caseway.audit.models import AuditEvent
from caseway.casework import supervision_services
from caseway.casework.models import CasePlan
from caseway.casework.tests.case_helpers import a_goal, member, our_case
from caseway.casework.tests.supervision_helpers import submitted_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return our_case(personas)


def decide(service, user, case, **values):
    return service(actor=user, membership=member(user), case=case, **values)


def test_it_approves_a_submitted_plan_and_audits_field_names(personas, case):
    submitted_plan(personas, case)

    plan = decide(supervision_services.plan_approve, personas.supervisor_a, case, comment="Good plan.")

    plan.refresh_from_db()
    assert plan.status == CasePlan.Status.APPROVED
    assert plan.decided_by == personas.supervisor_a
    assert plan.decision_comment == "Good plan."
    stored = CasePlan.objects.filter(pk=plan.pk).values_list("decision_comment_sealed", flat=True).get()
    assert "Good plan" not in str(stored)
    event = AuditEvent.objects.get(action="casework.plan_approved")
    assert event.fields == ["status", "decided_by", "decision_comment"]
    assert "Good plan" not in str(event.__dict__)


def test_it_returns_a_plan_only_with_comments(personas, case):
    submitted_plan(personas, case)

    with pytest.raises(ValidationError) as error:
        decide(supervision_services.plan_return, personas.supervisor_a, case, comment="  ")
    assert "comment" in error.value.error_dict

    plan = decide(supervision_services.plan_return, personas.supervisor_a, case, comment="Add a housing goal.")
    assert CasePlan.objects.get(pk=plan.pk).status == CasePlan.Status.RETURNED
    assert AuditEvent.objects.filter(action="casework.plan_returned").exists()


def test_it_refuses_self_approval_by_the_submitter_or_an_author(personas, case):
    submitted_plan(personas, case, by=personas.supervisor_a)
    with pytest.raises(ValidationError):
        decide(supervision_services.plan_approve, personas.supervisor_a, case)

    other = our_case(personas, given_name="Mariam")
    a_goal(personas, other, by=personas.supervisor_a)
    submitted_plan(personas, other)  # submitted by the caseworker, a goal written by the supervisor
    with pytest.raises(ValidationError):
        decide(supervision_services.plan_approve, personas.supervisor_a, other)
    assert not supervision_services.may_decide_plan(member(personas.supervisor_a), CasePlan.objects.get(case=other))
    assert CasePlan.objects.get(case=other).status == CasePlan.Status.SUBMITTED


def test_it_refuses_a_caseworker_and_roles_without_supervision(personas, case):
    submitted_plan(personas, case)
    for user in (personas.caseworker_a, personas.legal_officer_a, personas.admin_a):
        with pytest.raises(PermissionDenied):
            decide(supervision_services.plan_approve, user, case)
    assert CasePlan.objects.get(case=case).status == CasePlan.Status.SUBMITTED


def test_it_answers_404_to_a_supervisor_of_another_organization(personas, case):
    submitted_plan(personas, case)
    with pytest.raises(Http404):
        decide(supervision_services.plan_approve, personas.supervisor_b, case)


def test_it_decides_only_a_submitted_plan(personas, case):
    with pytest.raises(ValidationError):
        decide(supervision_services.plan_approve, personas.supervisor_a, case)  # no plan
    a_goal(personas, case)
    with pytest.raises(ValidationError):
        decide(supervision_services.plan_approve, personas.supervisor_a, case)  # draft
    submitted_plan(personas, case)
    decide(supervision_services.plan_approve, personas.supervisor_a, case)
    with pytest.raises(ValidationError):
        decide(supervision_services.plan_return, personas.supervisor_a, case, comment="Again.")
