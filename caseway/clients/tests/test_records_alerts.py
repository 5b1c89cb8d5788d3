"""The alerts inbox and resolving alerts: who sees which, who may mark them done."""

import pytest
from django.urls import reverse

from caseway.clients.models import CaseAlert
from caseway.clients.tests.records_helpers import WRONG_ROLES, case_at, case_url, count_queries, events
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db
INBOX = "/clients/alerts/"


@pytest.fixture
def case(personas):
    return case_at(personas.caseworker_a, given_name="Amina")


def alert(case, kind=CaseAlert.Kind.IMMINENT_RISK, audience=CaseAlert.Audience.SUPERVISOR, **fields):
    return CaseAlert.objects.create(case=case, kind=kind, audience=audience, **fields)


def resolve_url(item):
    return reverse("clients:alert_resolve", args=[item.pk])


def inbox(client):
    response = client.get(reverse("clients:alert_inbox"))
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_it_shows_supervisor_alerts_to_every_supervisor_of_the_organization(personas, login_as, case):
    for_supervisors = alert(case)
    second = make_member(personas.org_a, Role.SUPERVISOR, "second.supervisor.a@example.org")
    assert inbox(login_as(personas.supervisor_a)) == [for_supervisors]
    assert inbox(login_as(second)) == [for_supervisors]
    assert inbox(login_as(personas.caseworker_a)) == []
    assert inbox(login_as(personas.supervisor_b)) == []


def test_it_shows_tasks_to_the_person_they_are_for(personas, login_as, case):
    task = alert(
        case,
        CaseAlert.Kind.SUICIDE_RISK,
        CaseAlert.Audience.CASEWORKER,
        is_task=True,
        assigned_to=personas.caseworker_a,
    )
    unassigned = alert(case, CaseAlert.Kind.SAFETY_PLAN_REVIEW, CaseAlert.Audience.CASEWORKER)
    assert set(inbox(login_as(personas.caseworker_a))) == {task, unassigned}
    assert inbox(login_as(personas.legal_officer_a)) == []


def test_it_leaves_out_resolved_alerts(personas, login_as, case):
    from django.utils import timezone

    alert(case, resolved_at=timezone.now())
    assert inbox(login_as(personas.supervisor_a)) == []


def test_it_shows_codes_never_names(personas, login_as, case):
    alert(case)
    page = login_as(personas.supervisor_a).get(reverse("clients:alert_inbox")).content.decode()
    assert case.client.code in page
    assert "Amina" not in page


@pytest.mark.parametrize("name", WRONG_ROLES)
def test_it_refuses_roles_that_may_not_see_personal_data(personas, login_as, name):
    assert login_as(personas.all()[name]).get(reverse("clients:alert_inbox")).status_code == 403


def test_it_runs_a_fixed_number_of_queries(personas, login_as, case):
    client = login_as(personas.supervisor_a)
    alert(case)
    client.get(INBOX)
    few, _ = count_queries(lambda: client.get(INBOX))
    for _ in range(10):
        alert(case_at(personas.caseworker_a))
    many, _ = count_queries(lambda: client.get(INBOX))
    assert few == many


def test_a_supervisor_resolves_a_supervisor_alert(personas, login_as, case):
    item = alert(case)
    response = login_as(personas.supervisor_a).post(resolve_url(item))
    assert response.status_code == 302
    assert response["Location"] == case_url(case)
    item.refresh_from_db()
    assert item.resolved_by == personas.supervisor_a and item.resolved_at is not None
    [event] = events("clients.alert_resolved")
    assert event.target_id == str(item.pk)


def test_it_goes_back_to_the_inbox_when_asked(personas, login_as, case):
    item = alert(case)
    response = login_as(personas.supervisor_a).post(resolve_url(item), {"next": INBOX})
    assert response["Location"] == INBOX


def test_it_never_redirects_elsewhere(personas, login_as, case):
    item = alert(case)
    response = login_as(personas.supervisor_a).post(resolve_url(item), {"next": "https://evil.example/"})
    assert response["Location"] == case_url(case)


def test_a_caseworker_may_not_resolve_a_supervisor_alert(personas, login_as, case):
    item = alert(case)
    assert login_as(personas.caseworker_a).post(resolve_url(item)).status_code == 403
    item.refresh_from_db()
    assert item.resolved_at is None


def test_a_caseworker_resolves_their_own_task(personas, login_as, case):
    item = alert(case, CaseAlert.Kind.SUICIDE_RISK, CaseAlert.Audience.CASEWORKER, assigned_to=personas.caseworker_a)
    assert login_as(personas.caseworker_a).post(resolve_url(item)).status_code == 302
    item.refresh_from_db()
    assert item.resolved_at is not None


def test_someone_else_may_not_resolve_a_task(personas, login_as, case):
    item = alert(case, CaseAlert.Kind.SUICIDE_RISK, CaseAlert.Audience.CASEWORKER, assigned_to=personas.caseworker_a)
    assert login_as(personas.legal_officer_a).post(resolve_url(item)).status_code == 403


def test_resolving_twice_changes_nothing(personas, login_as, case):
    item = alert(case)
    client = login_as(personas.supervisor_a)
    client.post(resolve_url(item))
    client.post(resolve_url(item))
    assert len(events("clients.alert_resolved")) == 1


def test_it_answers_404_to_another_organization(personas, login_as, case):
    item = alert(case)
    assert login_as(personas.supervisor_b).post(resolve_url(item)).status_code == 404
    item.refresh_from_db()
    assert item.resolved_at is None


def test_it_answers_get_with_405(personas, login_as, case):
    assert login_as(personas.supervisor_a).get(resolve_url(alert(case))).status_code == 405
