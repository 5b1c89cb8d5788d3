"""Supervisors assign a case's caseworker and supervisor and set its sensitivity; audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from caseway.clients import records_services
from caseway.clients.models import Case
from caseway.clients.tests.records_helpers import case_at, events, member
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db
NOT_SUPERVISORS = ("caseworker_a", "legal_officer_a", "admin_a", "monitor_a", "coordinator", "donor")


@pytest.fixture
def case(personas):
    return case_at(personas.caseworker_a, given_name="Amina")


@pytest.fixture
def other_caseworker(personas):
    return make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")


def assign_url(case):
    return reverse("clients:case_assignment", args=[case.pk])


def sensitivity_url(case):
    return reverse("clients:case_sensitivity", args=[case.pk])


def test_it_assigns_a_caseworker_and_a_supervisor(personas, login_as, case, other_caseworker):
    client = login_as(personas.supervisor_a)
    assert client.get(assign_url(case)).status_code == 200
    response = client.post(
        assign_url(case), {"caseworker": other_caseworker.pk, "supervisor": personas.supervisor_a.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.caseworker, case.supervisor) == (other_caseworker, personas.supervisor_a)
    [event] = events("clients.case_assigned")
    assert event.fields == ["caseworker", "supervisor"]
    assert event.target_id == str(case.pk)


def test_it_unassigns(personas, login_as, case):
    login_as(personas.supervisor_a).post(assign_url(case), {"caseworker": "", "supervisor": ""})
    case.refresh_from_db()
    assert case.caseworker is None


def test_it_writes_nothing_when_nothing_changes(personas, login_as, case):
    login_as(personas.supervisor_a).post(assign_url(case), {"caseworker": personas.caseworker_a.pk, "supervisor": ""})
    assert events("clients.case_assigned") == []


@pytest.mark.parametrize("name", ["caseworker_b", "admin_a", "monitor_a"])
def test_it_offers_only_staff_of_the_organization_who_may_see_personal_data(personas, login_as, case, name):
    user = personas.all()[name]
    response = login_as(personas.supervisor_a).post(assign_url(case), {"caseworker": user.pk, "supervisor": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["caseworker"]
    case.refresh_from_db()
    assert case.caseworker == personas.caseworker_a


def test_it_refuses_a_supervisor_who_is_not_one(personas, login_as, case):
    response = login_as(personas.supervisor_a).post(
        assign_url(case), {"caseworker": "", "supervisor": personas.caseworker_a.pk}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["supervisor"]


def test_it_refuses_a_member_who_left(personas, case, other_caseworker):
    Membership.objects.filter(user=other_caseworker).update(is_active=False)
    with pytest.raises(ValidationError):
        records_services.case_assign(
            actor=personas.supervisor_a,
            membership=member(personas.supervisor_a),
            case=case,
            caseworker=other_caseworker,
        )


def test_it_refuses_a_supervisor_of_another_organization_in_the_service(personas, case):
    with pytest.raises(ValidationError):
        records_services.case_assign(
            actor=personas.supervisor_a,
            membership=member(personas.supervisor_a),
            case=case,
            caseworker=personas.caseworker_a,
            supervisor=personas.supervisor_b,
        )


def test_it_checks_the_role_again_in_the_service(personas, case, other_caseworker):
    with pytest.raises(PermissionDenied):
        records_services.case_assign(
            actor=personas.caseworker_a,
            membership=member(personas.caseworker_a),
            case=case,
            caseworker=other_caseworker,
        )


@pytest.mark.parametrize("name", NOT_SUPERVISORS)
def test_it_is_for_supervisors_only(personas, login_as, case, name):
    client = login_as(personas.all()[name])
    assert client.get(assign_url(case)).status_code == 403
    assert client.post(sensitivity_url(case), {"sensitivity": "sensitive"}).status_code == 403


def test_it_answers_404_to_another_organizations_supervisor(personas, login_as, case):
    client = login_as(personas.supervisor_b)
    assert client.post(assign_url(case), {"caseworker": "", "supervisor": ""}).status_code == 404
    assert client.post(sensitivity_url(case), {"sensitivity": "sensitive"}).status_code == 404
    case.refresh_from_db()
    assert case.caseworker == personas.caseworker_a and not case.is_sensitive


def test_it_marks_a_case_sensitive_and_back(personas, login_as, case):
    client = login_as(personas.supervisor_a)
    assert client.get(sensitivity_url(case)).status_code == 200
    assert client.post(sensitivity_url(case), {"sensitivity": "sensitive"}).status_code == 302
    assert Case.objects.get(pk=case.pk).is_sensitive
    client.post(sensitivity_url(case), {"sensitivity": "standard"})
    assert not Case.objects.get(pk=case.pk).is_sensitive
    assert [event.fields for event in events("clients.case_sensitivity_changed")] == [["sensitivity"], ["sensitivity"]]


def test_it_masks_the_name_as_soon_as_a_case_is_sensitive(personas, login_as, case, other_caseworker):
    Case.objects.filter(pk=case.pk).update(caseworker=other_caseworker)
    login_as(personas.supervisor_a).post(sensitivity_url(case), {"sensitivity": "sensitive"})
    page = login_as(personas.caseworker_a).get(reverse("clients:client_list")).content.decode()
    assert "Amina" not in page


def test_it_refuses_an_unknown_sensitivity(personas, login_as, case):
    response = login_as(personas.supervisor_a).post(sensitivity_url(case), {"sensitivity": "secret"})
    assert response.status_code == 400
    assert events("clients.case_sensitivity_changed") == []
