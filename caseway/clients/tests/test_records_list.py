"""The client list /clients/: scope, roles, filters, masking, pagination and a fixed query count."""

import pytest
from django.conf import settings
from django.urls import reverse

from caseway.clients.models import Case, CaseStatus, RiskLevel
from caseway.clients.records_views import CASES_PER_PAGE
from caseway.clients.tests.records_helpers import WRONG_ROLES, case_at, count_queries, list_url, member
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_caseworker(personas):
    return make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")


def rows_of(response):
    return [row.case for row in response.context["rows"]]


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(list_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", WRONG_ROLES)
def test_it_refuses_roles_that_may_not_see_personal_data(personas, login_as, name):
    response = login_as(personas.all()[name]).get(list_url())
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["caseworker_a", "supervisor_a", "legal_officer_a"])
def test_it_lists_the_organizations_cases_to_its_staff(personas, login_as, name):
    ours = case_at(personas.caseworker_a, given_name="Amina", family_name="Haddad")
    theirs = case_at(personas.caseworker_b, given_name="Amina", family_name="Haddad")
    response = login_as(personas.all()[name]).get(list_url())
    assert response.status_code == 200
    assert rows_of(response) == [ours]
    assert theirs.client.code not in response.content.decode()
    assert response["Cache-Control"].count("no-store") == 1


def test_it_shows_names_of_standard_cases(personas, login_as):
    case_at(personas.caseworker_a, given_name="Amina", family_name="Haddad")
    response = login_as(personas.caseworker_a).get(list_url())
    assert "Amina Haddad" in response.content.decode()


def test_it_masks_sensitive_names_for_a_caseworker_not_assigned(personas, login_as, other_caseworker):
    case = case_at(personas.caseworker_a, sensitive=True, given_name="Mariam", family_name="Osei")
    Case.objects.filter(pk=case.pk).update(caseworker=other_caseworker)
    page = login_as(personas.caseworker_a).get(list_url()).content.decode()
    assert "Mariam" not in page and "Osei" not in page
    assert case.client.code in page
    assert "•••" in page


def test_it_shows_a_sensitive_name_to_its_caseworker_and_supervisors(personas, login_as):
    case_at(personas.caseworker_a, sensitive=True, given_name="Mariam", family_name="Osei")
    for user in (personas.caseworker_a, personas.supervisor_a):
        assert "Mariam Osei" in login_as(user).get(list_url()).content.decode()


def test_it_masks_a_sensitive_name_from_a_legal_officer(personas, login_as):
    case_at(personas.caseworker_a, sensitive=True, given_name="Mariam", family_name="Osei")
    page = login_as(personas.legal_officer_a).get(list_url()).content.decode()
    assert "Mariam" not in page


def test_it_filters_by_status(personas, login_as):
    open_case = case_at(personas.caseworker_a)
    closed = case_at(personas.caseworker_a)
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    client = login_as(personas.caseworker_a)
    assert rows_of(client.get(list_url(status="closed"))) == [closed]
    assert rows_of(client.get(list_url(status="active"))) == [open_case]
    assert set(rows_of(client.get(list_url()))) == {open_case, closed}


def test_it_filters_my_cases(personas, login_as, other_caseworker):
    mine = case_at(personas.caseworker_a)
    case_at(personas.caseworker_a, caseworker=other_caseworker)
    assert rows_of(login_as(personas.caseworker_a).get(list_url(mine="on"))) == [mine]


def test_it_filters_by_risk_level(personas, login_as):
    high = case_at(personas.caseworker_a)
    unassessed = case_at(personas.caseworker_a)
    Case.objects.filter(pk=high.pk).update(risk_level=RiskLevel.HIGH)
    client = login_as(personas.caseworker_a)
    assert rows_of(client.get(list_url(risk="high"))) == [high]
    assert rows_of(client.get(list_url(risk="none"))) == [unassessed]


def test_it_filters_by_sensitivity(personas, login_as):
    sensitive = case_at(personas.caseworker_a, sensitive=True)
    standard = case_at(personas.caseworker_a)
    client = login_as(personas.caseworker_a)
    assert rows_of(client.get(list_url(sensitivity="sensitive"))) == [sensitive]
    assert rows_of(client.get(list_url(sensitivity="standard"))) == [standard]


def test_it_explains_a_filter_it_cannot_use(personas, login_as):
    response = login_as(personas.caseworker_a).get(list_url(status="lost"))
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "need correcting" in response.content.decode()


def test_it_leaves_out_erased_clients(personas, login_as):
    from django.utils import timezone

    erased = case_at(personas.caseworker_a)
    erased.client.__class__.objects.filter(pk=erased.client_id).update(erased_at=timezone.now())
    assert rows_of(login_as(personas.caseworker_a).get(list_url())) == []


def test_it_pages_the_list(personas, login_as):
    for _ in range(CASES_PER_PAGE + 2):
        case_at(personas.caseworker_a)
    client = login_as(personas.caseworker_a)
    first = client.get(list_url())
    assert len(first.context["rows"]) == CASES_PER_PAGE
    assert 'rel="next"' in first.content.decode()
    second = client.get(list_url(page=2, status="active"))
    assert len(second.context["rows"]) == 2
    assert "status=active" in second.content.decode()  # the filters stay in the page links


def test_it_answers_htmx_with_the_results_only(personas, login_as):
    case_at(personas.caseworker_a)
    response = login_as(personas.caseworker_a).get(list_url(), headers={"HX-Request": "true"})
    assert response.content.decode().startswith('<section id="results"')
    assert "HX-Request" in response["Vary"]


def _mixed_cases(personas, count, other_caseworker):
    """Standard, sensitive (own and others'), referred-in cases: every kind of row the list shows."""
    from caseway.clients.models import ConsentPurpose, DataCategory
    from caseway.clients.tests.factories import give_consent

    for number in range(count):
        kind = number % 4
        if kind == 0:
            case_at(personas.caseworker_a, given_name=f"Standard{number}")
        elif kind == 1:
            case_at(personas.caseworker_a, sensitive=True, given_name=f"Own{number}")
        elif kind == 2:
            case_at(personas.caseworker_a, sensitive=True, caseworker=other_caseworker, given_name=f"Other{number}")
        else:
            theirs = case_at(personas.caseworker_b, given_name=f"Referred{number}")
            Case.objects.create(organization=personas.org_a, client=theirs.client, origin=Case.Origin.REFERRAL)
            give_consent(
                theirs.client,
                ConsentPurpose.SHARING,
                recorded_by=member(personas.caseworker_b),
                recipient=personas.org_a,
                categories=[DataCategory.IDENTITY],
            )


def test_it_runs_a_fixed_number_of_queries_whatever_the_rows(personas, login_as, other_caseworker):
    client = login_as(personas.caseworker_a)
    _mixed_cases(personas, 4, other_caseworker)
    client.get(list_url())  # warm: session, caches
    few, response = count_queries(lambda: client.get(list_url()))
    assert len(response.context["rows"]) == 4
    _mixed_cases(personas, 20, other_caseworker)
    many, response = count_queries(lambda: client.get(list_url()))
    assert len(response.context["rows"]) == 24
    assert few == many
