"""Closure (closure_services): the checklist and its facts, approval by another supervisor, follow-ups,
the deceased and transferred rules, return to the previous status, reopening."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.casework import closure_services
from caseway.casework.models import Appointment, ClosureRequest, Task
from caseway.casework.tests.appointment_helpers import a_payment, an_appointment
from caseway.casework.tests.case_helpers import member, our_case
from caseway.casework.tests.supervision_helpers import CONFIRMED, closure_requested
from caseway.clients.models import Case, CaseStatus
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_referral

pytestmark = pytest.mark.django_db
Reason = ClosureRequest.Reason


@pytest.fixture
def case(personas):
    return our_case(personas)


def approve(personas, case, user=None, **values):
    user = user or personas.supervisor_a
    return closure_services.closure_approve(actor=user, membership=member(user), case=case, **values)


def status_of(case):
    return Case.objects.get(pk=case.pk).status


def test_it_requests_closure_with_the_checklist_and_audits_names(personas, case):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ON_HOLD)

    closure = closure_requested(personas, case)

    assert status_of(case) == CaseStatus.CLOSURE_REQUESTED
    assert closure.previous_status == CaseStatus.ON_HOLD
    assert closure.checklist == {
        "client_informed": True,
        "referrals_answered": True,
        "appointments_cancelled": True,
        "payments_settled": True,
        "follow_up_consent_asked": True,
        "follow_up_agreed": True,
    }
    event = AuditEvent.objects.get(action="casework.closure_requested")
    assert event.fields == ["reason", "checklist", "case.status"]
    with pytest.raises(ValidationError):
        closure_requested(personas, case)  # one pending per case: the case is no longer closable


def test_it_asks_the_person_to_confirm_what_applies(personas, case):
    with pytest.raises(ValidationError) as error:
        closure_requested(personas, case, confirmed=["client_informed"])
    assert "checklist" in error.value.error_dict
    assert status_of(case) == CaseStatus.OPEN

    Case.objects.filter(pk=case.pk).update(risk_level="high")
    case.refresh_from_db()
    items = [item.code for item in closure_services.checklist_for(case, Reason.GOALS_MET)]
    assert "safety_plan_reviewed" in items
    with pytest.raises(ValidationError):
        closure_requested(personas, case, confirmed=["client_informed", "follow_up_consent_asked"])
    closure_requested(personas, case)


def test_it_checks_the_facts_itself(personas, case):
    appointment = an_appointment(personas, case=case)
    with pytest.raises(ValidationError) as error:
        closure_requested(personas, case)
    assert "checklist" in error.value.error_dict
    Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CANCELLED)

    payment = a_payment(personas, case=case)
    with pytest.raises(ValidationError):
        closure_requested(personas, case)
    type(payment).objects.filter(pk=payment.pk).update(approved_by=personas.supervisor_a)

    closure_requested(personas, case)
    assert status_of(case) == CaseStatus.CLOSURE_REQUESTED


def test_it_refuses_while_a_referral_waits_for_an_answer(personas):
    referral = a_referral(personas, Status.SENT)
    case = referral.from_case
    with pytest.raises(ValidationError):
        closure_requested(personas, case)
    type(referral).objects.filter(pk=referral.pk).update(status=Status.WITHDRAWN)
    closure_requested(personas, case)


def test_it_checks_the_facts_again_at_approval(personas, case):
    closure_requested(personas, case)
    an_appointment(personas, case=case)  # booked since the request
    with pytest.raises(ValidationError):
        approve(personas, case)
    assert status_of(case) == CaseStatus.CLOSURE_REQUESTED


def test_it_closes_the_case_and_plans_follow_ups_at_3_6_and_12_months(personas, case):
    closure_requested(personas, case)

    closure = approve(personas, case, comment="Well done.")

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_at is not None
    assert closure.status == ClosureRequest.Status.APPROVED
    closed_on = timezone.localdate(case.closed_at)
    tasks = list(Task.objects.filter(case=case).order_by("months_after_closure"))
    assert [task.months_after_closure for task in tasks] == [3, 6, 12]
    assert {task.kind for task in tasks} == {Task.Kind.CLOSURE_FOLLOW_UP}
    assert {task.assignee_id for task in tasks} == {personas.caseworker_a.pk}
    assert [task.due_on for task in tasks] == [closure_services.add_months(closed_on, m) for m in (3, 6, 12)]
    assert AuditEvent.objects.get(action="casework.closure_approved").fields[-1] == "task.closure_follow_up"


def test_it_counts_months_on_the_calendar():
    assert closure_services.add_months(datetime.date(2031, 1, 31), 1) == datetime.date(2031, 2, 28)
    assert closure_services.add_months(datetime.date(2031, 11, 15), 3) == datetime.date(2032, 2, 15)
    assert closure_services.add_months(datetime.date(2032, 2, 29), 12) == datetime.date(2033, 2, 28)


def test_it_plans_no_follow_up_when_the_client_died_or_refused(personas, case):
    closure = closure_requested(personas, case, reason=Reason.DECEASED, confirmed=["goals_reviewed"])
    assert "client_informed" not in closure.checklist
    approve(personas, case)
    assert not Task.objects.filter(case=case).exists()

    other = our_case(personas, given_name="Samira")
    closure_requested(personas, other, follow_up_agreed=False)
    approve(personas, other)
    assert not Task.objects.filter(case=other).exists()


def test_it_transfers_only_through_an_accepted_referral_from_the_case(personas):
    sent = a_referral(personas, Status.SENT)
    case = sent.from_case
    type(sent).objects.filter(pk=sent.pk).update(status=Status.DECLINED)
    with pytest.raises(ValidationError) as error:
        closure_requested(personas, case, reason=Reason.TRANSFERRED)
    assert "transfer_referral" in error.value.error_dict
    with pytest.raises(ValidationError):
        closure_requested(personas, case, reason=Reason.TRANSFERRED, transfer_referral=sent)

    type(sent).objects.filter(pk=sent.pk).update(status=Status.ACCEPTED)
    closure = closure_requested(personas, case, reason=Reason.TRANSFERRED, transfer_referral=sent)
    assert closure.transfer_referral_id == sent.pk
    approve(personas, case)
    assert status_of(case) == CaseStatus.CLOSED


def test_it_refuses_a_referral_of_another_case(personas, case):
    accepted = a_referral(personas, Status.ACCEPTED)
    with pytest.raises(ValidationError):
        closure_requested(personas, case, reason=Reason.TRANSFERRED, transfer_referral=accepted)


def test_it_refuses_self_approval_and_caseworkers(personas, case):
    closure_requested(personas, case, by=personas.supervisor_a)
    with pytest.raises(ValidationError):
        approve(personas, case)
    with pytest.raises(PermissionDenied):
        approve(personas, case, user=personas.caseworker_a)
    with pytest.raises(Http404):
        approve(personas, case, user=personas.supervisor_b)
    assert status_of(case) == CaseStatus.CLOSURE_REQUESTED


def test_it_returns_with_comments_to_the_previous_status(personas, case):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ACTIVE)
    closure_requested(personas, case)
    supervisor = member(personas.supervisor_a)
    with pytest.raises(ValidationError):
        closure_services.closure_return(actor=personas.supervisor_a, membership=supervisor, case=case, comment="")

    closure = closure_services.closure_return(
        actor=personas.supervisor_a, membership=supervisor, case=case, comment="Cancel the last referral first."
    )

    assert closure.status == ClosureRequest.Status.RETURNED
    assert ClosureRequest.objects.get(pk=closure.pk).decision_comment == "Cancel the last referral first."
    assert status_of(case) == CaseStatus.ACTIVE
    closure_requested(personas, case)  # may ask again


def test_it_reopens_a_closed_case_and_keeps_open_follow_ups(personas, case):
    closure_requested(personas, case)
    approve(personas, case)
    supervisor = member(personas.supervisor_a)
    with pytest.raises(PermissionDenied):
        closure_services.case_reopen(actor=personas.caseworker_a, membership=member(personas.caseworker_a), case=case)

    closure_services.case_reopen(actor=personas.supervisor_a, membership=supervisor, case=case)

    case.refresh_from_db()
    assert (case.status, case.closed_at) == (CaseStatus.ACTIVE, None)
    assert Task.objects.filter(case=case, kind=Task.Kind.CLOSURE_FOLLOW_UP, done_at__isnull=True).count() == 3
    with pytest.raises(ValidationError):
        closure_services.case_reopen(actor=personas.supervisor_a, membership=supervisor, case=case)


def test_it_refuses_unknown_reasons_and_items(personas, case):
    with pytest.raises(ValidationError):
        closure_requested(personas, case, reason="bored")
    with pytest.raises(ValidationError):
        closure_requested(personas, case, confirmed=[*CONFIRMED, "made_up"])
