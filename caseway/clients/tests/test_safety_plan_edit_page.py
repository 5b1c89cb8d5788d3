"""Making or changing the safety plan: the form, its errors, the imminent-risk gate it opens."""

import datetime

import pytest
from django.utils import timezone

from caseway.clients.models import Case, CaseAlert, DataCategory, SafetyPlan
from caseway.clients.tests.assessments_helpers import (
    EVERY_CATEGORY_BUT_RISK,
    a_plan,
    assert_refusals,
    case_at_a,
    events,
    make_imminent,
    member,
    referral_case,
    url,
)
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


def form_data(**overrides):
    data = {
        "contact_0_name": "Sister Leila",
        "contact_0_phone": "+235 66 00 11 22",
        "contact_0_relationship": "sister",
        "contact_1_name": "",
        "contact_1_phone": "",
        "contact_1_relationship": "",
        "safe_places": "The health centre.",
        "warning_signs": "Shouting at night.",
        "code_word": "blue mango",
        "digital_safety": ["shared_phone", "passwords"],
        "review_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return data


def test_it_refuses_everyone_but_the_organizations_staff(client, personas, case):
    assert_refusals(client, personas, url("safety_plan_edit", case))
    assert_refusals(client, personas, url("safety_plan_edit", case), method="post", data=form_data())
    assert not SafetyPlan.objects.exists()


def test_it_makes_a_plan(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    page = client.get(url("safety_plan_edit", case)).content.decode()
    assert "Make a safety plan" in page and 'name="contact_2_name"' in page  # three empty rows

    response = client.post(url("safety_plan_edit", case), form_data())

    assert response.status_code == 302 and response["Location"] == url("safety_plan", case)
    plan = SafetyPlan.objects.get(case=case)
    assert plan.trusted_contacts == [{"name": "Sister Leila", "phone": "+235 66 00 11 22", "relationship": "sister"}]
    assert plan.digital_safety["passwords"] and not plan.digital_safety["call_log"]
    assert events("clients.safety_plan_created")


def test_it_prefills_the_form_with_the_plan_and_audits_that_read(personas, login_as, case):
    a_plan(personas.caseworker_a, case)
    page = login_as(personas.caseworker_a).get(url("safety_plan_edit", case)).content.decode()
    assert 'value="Sister Leila"' in page and 'value="blue mango"' in page
    assert 'name="contact_1_name"' in page and 'name="contact_2_name"' in page
    assert events("clients.safety_plan_viewed")[0].fields[0] == "trusted_contacts"


def test_saving_it_opens_the_gate_of_an_imminent_risk(personas, login_as, case):
    make_imminent(personas.caseworker_a, case)
    response = login_as(personas.caseworker_a).post(url("safety_plan_edit", case), form_data(), follow=True)
    case.refresh_from_db()
    assert not case.safety_plan_required
    assert "Safety plan saved. The case can continue." in response.content.decode()
    assert CaseAlert.objects.filter(kind=CaseAlert.Kind.IMMINENT_RISK, resolved_at__isnull=True).exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"review_date": ""}, "review_date"),
        ({"review_date": "next week"}, "review_date"),
        ({"review_date": timezone.localdate().isoformat()}, "review_date"),
        ({"contact_0_phone": "call her"}, "contact_0_phone"),
        ({"contact_0_name": ""}, "contact_0_name"),
        ({"contact_1_phone": "+235 66 99 88 77"}, "contact_1_name"),
        ({"digital_safety": ["made_up"]}, "digital_safety"),
        ({"code_word": "x" * 101}, "code_word"),
    ],
)
def test_it_refuses_bad_input_with_errors_on_the_field_and_writes_nothing(personas, login_as, case, overrides, field):
    response = login_as(personas.caseworker_a).post(url("safety_plan_edit", case), form_data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not SafetyPlan.objects.exists()


def test_its_errors_are_translated(personas, login_as, case):
    response = login_as(personas.caseworker_a).post(
        url("safety_plan_edit", case), form_data(review_date="31/02/2030"), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    assert "Saisissez une date valide." in response.content.decode()
    assert not SafetyPlan.objects.exists()


def test_an_unchanged_save_says_so(personas, login_as, case):
    a_plan(personas.caseworker_a, case)
    plan = SafetyPlan.objects.get()
    client = login_as(personas.caseworker_a)
    data = form_data(
        safe_places=plan.safe_places,
        warning_signs=plan.warning_signs,
        contact_0_relationship="sister",
        digital_safety=["shared_phone", "location_sharing"],
        review_date=plan.review_date.isoformat(),
    )
    response = client.post(url("safety_plan_edit", case), data, follow=True)
    assert "Nothing was changed." in response.content.decode()


def test_outside_the_team_of_a_sensitive_case_contacts_are_neither_shown_nor_changed(personas, login_as, case):
    a_plan(personas.caseworker_a, case)
    Case.objects.filter(pk=case.pk).update(sensitivity=Case.Sensitivity.SENSITIVE)
    colleague = make_member(personas.org_a, Role.CASEWORKER, "colleague.a@example.org")
    client = login_as(colleague)

    page = client.get(url("safety_plan_edit", case)).content.decode()
    assert "Sister Leila" not in page and 'name="contact_0_name"' not in page
    assert "saving keeps them as they are" in page

    data = form_data(code_word="green lemon", contact_0_name="Someone Else")
    assert client.post(url("safety_plan_edit", case), data).status_code == 302
    plan = SafetyPlan.objects.get()
    assert plan.code_word == "green lemon"
    assert plan.trusted_contacts[0]["name"] == "Sister Leila"


def test_an_organization_the_client_did_not_share_risk_with_gets_404(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=EVERY_CATEGORY_BUT_RISK, recorded_by=member(personas.caseworker_a)
    )
    client = login_as(personas.caseworker_b)
    assert client.get(url("safety_plan_edit", referred)).status_code == 404
    assert client.post(url("safety_plan_edit", referred), form_data()).status_code == 404
    assert not SafetyPlan.objects.exists()


def test_a_referral_organization_with_risk_consent_makes_its_plan_without_contacts(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.RISK], recorded_by=member(personas.caseworker_a)
    )
    client = login_as(personas.caseworker_b)
    assert 'name="contact_0_name"' not in client.get(url("safety_plan_edit", referred)).content.decode()
    assert client.post(url("safety_plan_edit", referred), form_data()).status_code == 302
    assert SafetyPlan.objects.get(case=referred).trusted_contacts is None
