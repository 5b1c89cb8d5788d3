"""The plan decision and closure pages, without JavaScript; the case page's timeline shows decisions."""

import pytest
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.casework.models import CasePlan, ClosureRequest, Task
from caseway.casework.tests.case_helpers import our_case
from caseway.casework.tests.supervision_helpers import CONFIRMED, closure_requested, submitted_plan
from caseway.clients.models import Case, CaseStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return our_case(personas)


def url(name, case):
    return reverse(f"casework:{name}", args=[case.pk])


def test_a_supervisor_returns_a_plan_and_the_caseworker_reads_why(personas, login_as, case):
    submitted_plan(personas, case)
    supervisor = login_as(personas.supervisor_a)

    assert supervisor.get(url("plan_decide", case)).status_code == 200
    assert supervisor.post(url("plan_decide", case), {"decision": "return"}).status_code == 400
    response = supervisor.post(url("plan_decide", case), {"decision": "return", "comment": "Add a housing goal."})
    assert response.status_code == 302
    assert CasePlan.objects.get(case=case).status == CasePlan.Status.RETURNED

    caseworker = login_as(personas.caseworker_a)
    html = caseworker.get(url("plan_decide", case)).content.decode()
    assert "Add a housing goal." in html
    assert 'name="decision"' not in html
    reads = AuditEvent.objects.filter(action="casework.plan_viewed")
    assert any("plan.decision_comment" in event.fields for event in reads)
    assert caseworker.post(url("plan_decide", case), {"decision": "approve"}).status_code == 403
    timeline = caseworker.get(url("case", case)).content.decode()
    assert "Plan returned with comments" in timeline


def test_a_supervisor_approves_and_the_timeline_shows_it(personas, login_as, case):
    submitted_plan(personas, case)
    client = login_as(personas.supervisor_a)

    assert client.post(url("plan_decide", case), {"decision": "approve"}).status_code == 302

    assert "Plan approved" in client.get(url("case", case)).content.decode()


def test_the_author_gets_no_form_and_is_refused(personas, login_as, case):
    submitted_plan(personas, case, by=personas.supervisor_a)
    client = login_as(personas.supervisor_a)

    html = client.get(url("plan_decide", case)).content.decode()
    assert 'name="decision"' not in html
    assert "another supervisor must decide" in html
    assert client.post(url("plan_decide", case), {"decision": "approve"}).status_code == 400
    assert CasePlan.objects.get(case=case).status == CasePlan.Status.SUBMITTED


def test_other_organizations_and_roles_are_refused(personas, login_as, case):
    submitted_plan(personas, case)
    for name in ("plan_decide", "closure_request", "closure_decide"):
        assert login_as(personas.supervisor_b).get(url(name, case)).status_code == 404, name
        assert login_as(personas.admin_a).get(url(name, case)).status_code == 403, name


def test_a_caseworker_asks_to_close_and_a_supervisor_closes(personas, login_as, case):
    caseworker = login_as(personas.caseworker_a)
    assert caseworker.get(url("closure_request", case)).status_code == 200
    assert caseworker.post(url("closure_request", case), {"reason": "goals_met"}).status_code == 400
    data = {"reason": "goals_met", "confirmed": list(CONFIRMED), "follow_up_agreed": "yes"}
    assert caseworker.post(url("closure_request", case), data).status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSURE_REQUESTED

    supervisor = login_as(personas.supervisor_a)
    html = supervisor.get(url("closure_decide", case)).content.decode()
    assert 'name="decision"' in html
    assert supervisor.post(url("closure_decide", case), {"decision": "approve"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert Task.objects.filter(case=case, kind=Task.Kind.CLOSURE_FOLLOW_UP).count() == 3

    assert login_as(personas.caseworker_a).post(url("case_reopen", case)).status_code == 403
    supervisor = login_as(personas.supervisor_a)
    assert supervisor.post(url("case_reopen", case)).status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE


def test_a_returned_closure_shows_its_comments_to_the_caseworker(personas, login_as, case):
    closure_requested(personas, case)
    supervisor = login_as(personas.supervisor_a)
    assert supervisor.post(url("closure_decide", case), {"decision": "return"}).status_code == 400
    data = {"decision": "return", "comment": "Call the client first."}
    assert supervisor.post(url("closure_decide", case), data).status_code == 302
    assert ClosureRequest.objects.get(case=case).status == ClosureRequest.Status.RETURNED

    html = login_as(personas.caseworker_a).get(url("closure_decide", case)).content.decode()
    assert "Call the client first." in html
    assert AuditEvent.objects.filter(action="casework.closure_viewed").exists()


def test_the_requester_cannot_decide_on_the_page(personas, login_as, case):
    closure_requested(personas, case, by=personas.supervisor_a)
    client = login_as(personas.supervisor_a)
    assert 'name="decision"' not in client.get(url("closure_decide", case)).content.decode()
    assert client.post(url("closure_decide", case), {"decision": "approve"}).status_code == 400
