"""The supervision API: same services as the pages, 404 across organizations, 403 for other roles.

``login_as`` signs the one test client in: each call switches who is acting."""

import pytest
from django.urls import reverse

from caseway.casework.models import CasePlan, Task
from caseway.casework.tests.case_helpers import our_case
from caseway.casework.tests.supervision_helpers import CONFIRMED, closure_requested, submitted_plan
from caseway.clients.models import Case, CaseStatus
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return our_case(personas)


def api(name, **kwargs):
    return reverse(f"api:{name}", kwargs=kwargs)


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def test_it_approves_and_returns_plans(personas, login_as, case):
    submitted_plan(personas, case)
    supervisor = login_as(personas.supervisor_a)

    assert post(supervisor, api("casework_plan_return", pk=case.pk), {"comment": ""}).status_code == 400
    response = post(supervisor, api("casework_plan_return", pk=case.pk), {"comment": "Add a goal."})
    assert response.status_code == 200
    assert response.json()["status"] == CasePlan.Status.RETURNED

    submitted_plan(personas, case)
    assert post(login_as(personas.caseworker_a), api("casework_plan_approve", pk=case.pk)).status_code == 403
    assert post(login_as(personas.supervisor_b), api("casework_plan_approve", pk=case.pk)).status_code == 404
    response = post(login_as(personas.supervisor_a), api("casework_plan_approve", pk=case.pk))
    assert (response.status_code, response.json()["status"]) == (200, "approved")


def test_it_requests_approves_and_reopens_closures(personas, login_as, case):
    caseworker = login_as(personas.caseworker_a)
    path = api("casework_closure_request", pk=case.pk)
    assert post(caseworker, path, {"reason": "goals_met"}).status_code == 400
    response = post(caseworker, path, {"reason": "goals_met", "confirmed": list(CONFIRMED)})
    assert response.status_code == 201
    assert response.json()["status"] == "pending"

    assert post(caseworker, api("casework_closure_approve", pk=case.pk)).status_code == 403
    supervisor = login_as(personas.supervisor_a)
    assert post(supervisor, api("casework_closure_approve", pk=case.pk)).json()["status"] == "approved"
    assert Task.objects.filter(case=case, kind=Task.Kind.CLOSURE_FOLLOW_UP).count() == 3
    response = post(supervisor, api("casework_case_reopen", pk=case.pk))
    assert response.json()["status"] == CaseStatus.ACTIVE
    assert post(supervisor, api("casework_case_reopen", pk=case.pk)).status_code == 400


def test_it_returns_a_closure(personas, login_as, case):
    closure_requested(personas, case)
    supervisor = login_as(personas.supervisor_a)
    assert post(supervisor, api("casework_closure_return", pk=case.pk)).status_code == 400
    response = post(supervisor, api("casework_closure_return", pk=case.pk), {"comment": "Not yet."})
    assert response.json()["status"] == "returned"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_it_serves_the_caseload_to_supervisors(personas, login_as, case):
    response = login_as(personas.supervisor_a).get(api("casework_caseload"))
    assert response.status_code == 200
    rows = {row["user"]: row for row in response.json()["caseworkers"]}
    assert rows[personas.caseworker_a.pk]["open_cases"] == 1
    assert response.json()["no_contact_days"] == 30
    assert login_as(personas.caseworker_a).get(api("casework_caseload")).status_code == 403


def test_it_reassigns(personas, login_as, case):
    newcomer = make_member(personas.org_a, Role.CASEWORKER, "newcomer.a@example.org")
    supervisor = login_as(personas.supervisor_a)
    path = api("casework_caseload_reassign")
    data = {"from_user": personas.caseworker_a.pk, "to_user": personas.caseworker_b.pk}
    assert post(supervisor, path, data).status_code == 400
    response = post(supervisor, path, {**data, "to_user": newcomer.pk, "case": str(case.pk)})
    assert response.json() == {"cases": 1, "tasks": 0, "appointments": 0}
    assert Case.objects.get(pk=case.pk).caseworker == newcomer
    other = our_case(personas, given_name="Rasha")
    assert post(login_as(personas.supervisor_b), path, {**data, "case": str(other.pk)}).status_code == 404
    assert post(login_as(personas.caseworker_a), path, data).status_code == 403
