"""The case page: scope, roles, identity shown only where allowed, every read of it audited."""

import pytest
from django.conf import settings
from django.urls import reverse

from caseway.clients.models import Case, CaseAlert, LinkRequest
from caseway.clients.tests.records_helpers import WRONG_ROLES, case_at, case_url, count_queries, events
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at(
        personas.caseworker_a,
        given_name="Amina",
        family_name="Haddad",
        birth_date="1990-04-01",
        phone="+235 66 12 34 56",
        address="Rue 12, Quartier Nord",
        nationality="Aldorian",
    )


@pytest.fixture
def other_caseworker(personas):
    return make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")


def test_it_sends_anonymous_visitors_to_sign_in(client, case):
    response = client.get(case_url(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", WRONG_ROLES)
def test_it_refuses_roles_that_may_not_see_personal_data(personas, login_as, case, name):
    assert login_as(personas.all()[name]).get(case_url(case)).status_code == 403


@pytest.mark.parametrize("name", ["caseworker_b", "supervisor_b", "legal_officer_b", "outsider"])
def test_it_answers_404_to_another_organization(personas, login_as, case, name):
    assert login_as(personas.all()[name]).get(case_url(case)).status_code == 404


def test_it_answers_404_for_a_case_that_does_not_exist(personas, login_as):
    import uuid

    assert login_as(personas.caseworker_a).get(reverse("clients:case_detail", args=[uuid.uuid4()])).status_code == 404


def test_it_answers_404_for_an_erased_client(personas, login_as, case):
    from django.utils import timezone

    case.client.__class__.objects.filter(pk=case.client_id).update(erased_at=timezone.now())
    assert login_as(personas.caseworker_a).get(case_url(case)).status_code == 404


def test_it_shows_the_code_spoken_form_and_statistics(personas, login_as, case):
    from caseway.clients import codes

    page = login_as(personas.caseworker_a).get(case_url(case)).content.decode()
    assert case.client.code in page
    assert codes.spoken(case.client.code) in page
    assert "25–59 years" in page and "Female" in page


def test_it_shows_identity_and_contact_at_the_intake_organization(personas, login_as, case):
    page = login_as(personas.caseworker_a).get(case_url(case)).content.decode()
    for value in ("Amina", "Haddad", "1990-04-01", "+235 66 12 34 56", "Rue 12, Quartier Nord", "Aldorian"):
        assert value in page


def test_it_audits_each_read_of_identity_naming_fields_only(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    client.get(case_url(case))
    client.get(case_url(case))
    viewed = events("clients.identity_viewed", target_id=str(case.client_id))
    assert len(viewed) == 2
    assert viewed[0].fields == ["given_name", "family_name", "birth_date", "nationality", "phone", "address"]
    assert viewed[0].actor_id == personas.caseworker_a.pk
    assert viewed[0].organization_id == personas.org_a.pk
    assert "Amina" not in viewed[0].reason


def test_it_does_not_audit_a_page_that_shows_no_identity(personas, login_as, other_caseworker):
    sensitive = case_at(personas.caseworker_a, sensitive=True, caseworker=other_caseworker, given_name="Mariam")
    login_as(personas.caseworker_a).get(case_url(sensitive))
    assert events("clients.identity_viewed") == []


def test_it_masks_a_sensitive_case_for_a_caseworker_not_assigned(personas, login_as, other_caseworker):
    sensitive = case_at(
        personas.caseworker_a,
        sensitive=True,
        caseworker=other_caseworker,
        given_name="Mariam",
        family_name="Osei",
        phone="+235 77 00 11 22",
    )
    response = login_as(personas.caseworker_a).get(case_url(sensitive))
    page = response.content.decode()
    assert response.status_code == 200
    for value in ("Mariam", "Osei", "77 00 11 22"):
        assert value not in page
    assert "Masked." in page
    assert reverse("clients:break_glass", args=[sensitive.pk]) in page
    assert reverse("clients:identity_edit", args=[sensitive.pk]) not in page


@pytest.mark.parametrize("name", ["other_caseworker", "supervisor_a"])
def test_it_shows_a_sensitive_identity_to_its_team(personas, login_as, other_caseworker, name):
    sensitive = case_at(
        personas.caseworker_a, sensitive=True, caseworker=other_caseworker, given_name="Mariam", family_name="Osei"
    )
    user = other_caseworker if name == "other_caseworker" else personas.supervisor_a
    page = login_as(user).get(case_url(sensitive)).content.decode()
    assert "Mariam" in page and "Osei" in page
    assert "Masked." not in page


def test_it_shows_a_sensitive_identity_to_the_named_supervisor(personas, login_as, other_caseworker):
    # A legal officer named as the case's supervisor is on its team.
    sensitive = case_at(
        personas.caseworker_a,
        sensitive=True,
        caseworker=other_caseworker,
        given_name="Mariam",
    )
    Case.objects.filter(pk=sensitive.pk).update(supervisor=personas.legal_officer_a)
    assert "Mariam" in login_as(personas.legal_officer_a).get(case_url(sensitive)).content.decode()


def test_it_lists_open_alerts_with_a_done_button_for_whoever_may_resolve(personas, login_as, case):
    CaseAlert.objects.create(case=case, kind=CaseAlert.Kind.IMMINENT_RISK, audience=CaseAlert.Audience.SUPERVISOR)
    task = CaseAlert.objects.create(
        case=case, kind=CaseAlert.Kind.SUICIDE_RISK, audience=CaseAlert.Audience.CASEWORKER, is_task=True
    )
    CaseAlert.objects.create(
        case=case,
        kind=CaseAlert.Kind.URGENT_HEALTH,
        audience=CaseAlert.Audience.SUPERVISOR,
        resolved_at="2026-01-01T00:00Z",
    )
    caseworker_page = login_as(personas.caseworker_a).get(case_url(case)).content.decode()
    assert "Imminent risk" in caseworker_page and "Suicide-risk protocol" in caseworker_page
    assert "post-exposure" not in caseworker_page
    assert caseworker_page.count("/resolve/") == 1
    assert reverse("clients:alert_resolve", args=[task.pk]) in caseworker_page
    assert login_as(personas.supervisor_a).get(case_url(case)).content.decode().count("/resolve/") == 2


def test_it_offers_supervisor_actions_to_supervisors_only(personas, login_as, case):
    assignment = reverse("clients:case_assignment", args=[case.pk])
    assert assignment in login_as(personas.supervisor_a).get(case_url(case)).content.decode()
    assert assignment not in login_as(personas.caseworker_a).get(case_url(case)).content.decode()


def test_it_points_to_waiting_link_requests(personas, login_as, case):
    requesting = case_at(personas.caseworker_b)
    LinkRequest.objects.create(requesting_case=requesting, candidate=case.client, requested_by=personas.caseworker_b)
    page = login_as(personas.caseworker_a).get(case_url(case)).content.decode()
    assert "1 link request waiting" in page


def test_it_costs_a_fixed_number_of_queries(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    client.get(case_url(case))
    before, _ = count_queries(lambda: client.get(case_url(case)))
    for kind in (CaseAlert.Kind.IMMINENT_RISK, CaseAlert.Kind.SUICIDE_RISK, CaseAlert.Kind.URGENT_HEALTH):
        CaseAlert.objects.create(case=case, kind=kind, audience=CaseAlert.Audience.SUPERVISOR)
    after, _ = count_queries(lambda: client.get(case_url(case)))
    assert before == after


def test_it_renders_right_to_left_in_arabic(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get(case_url(case)).content.decode()
    assert 'dir="rtl"' in page
    assert f'<span dir="ltr">{case.client.code}</span>' in page
