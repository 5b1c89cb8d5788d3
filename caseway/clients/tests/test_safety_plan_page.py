"""The safety plan's page: risk category only, trusted contacts under identity rules, every read audited."""

import datetime

import pytest
from django.utils import timezone

from caseway.clients.models import Case, ConsentPurpose, DataCategory, SafetyPlan
from caseway.clients.safety import safety_plan_save
from caseway.clients.tests.assessments_helpers import (
    EVERY_CATEGORY_BUT_RISK,
    a_plan,
    assert_refusals,
    case_at_a,
    events,
    member,
    plan_values,
    referral_case,
    url,
)
from caseway.clients.tests.factories import give_consent
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


@pytest.fixture
def planned(personas, case):
    a_plan(personas.caseworker_a, case)
    return case


def test_it_refuses_everyone_but_the_organizations_staff(client, personas, planned):
    assert_refusals(client, personas, url("safety_plan", planned))
    assert events("clients.safety_plan_viewed") == []


def test_it_shows_the_whole_plan_to_the_case_team(personas, login_as, planned):
    page = login_as(personas.caseworker_a).get(url("safety_plan", planned)).content.decode()
    for value in ("Sister Leila", "+235 66 00 11 22", "health centre", "drinking", "blue mango"):
        assert value in page
    assert "Location sharing turned off" in page
    assert url("safety_plan_edit", planned) in page


def test_it_audits_each_read_naming_the_parts_shown(personas, login_as, planned):
    login_as(personas.caseworker_a).get(url("safety_plan", planned))
    (event,) = events("clients.safety_plan_viewed")
    assert event.fields == ["trusted_contacts", "safe_places", "warning_signs", "code_word", "digital_safety"]


def test_it_offers_to_make_a_plan_when_there_is_none(personas, login_as, case):
    page = login_as(personas.caseworker_a).get(url("safety_plan", case)).content.decode()
    assert "No safety plan yet." in page and url("safety_plan_edit", case) in page
    assert events("clients.safety_plan_viewed") == []


def test_trusted_contacts_of_a_sensitive_case_are_hidden_outside_its_team(personas, login_as, planned):
    Case.objects.filter(pk=planned.pk).update(sensitivity=Case.Sensitivity.SENSITIVE)
    colleague = make_member(personas.org_a, Role.CASEWORKER, "colleague.a@example.org")

    page = login_as(colleague).get(url("safety_plan", planned)).content.decode()

    assert "Sister Leila" not in page and "66 00 11 22" not in page
    assert "1 contact recorded. Hidden" in page
    assert "blue mango" in page  # the rest of the plan is risk information, not identity
    assert "trusted_contacts" not in events("clients.safety_plan_viewed")[0].fields
    team = login_as(personas.caseworker_a).get(url("safety_plan", planned)).content.decode()
    assert "Sister Leila" in team


def test_an_organization_the_client_did_not_share_risk_with_gets_404(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=EVERY_CATEGORY_BUT_RISK, recorded_by=member(personas.caseworker_a)
    )
    client = login_as(personas.caseworker_b)
    assert client.get(url("safety_plan", referred)).status_code == 404
    assert url("safety_plan", referred) not in client.get(url("assessment_list", referred)).content.decode()


def test_revoking_risk_consent_hides_the_plan_at_once(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.RISK], recorded_by=member(personas.caseworker_a)
    )
    values = plan_values(code_word="red door")
    del values["trusted_contacts"]  # the client's identity is not shared with org B
    safety_plan_save(
        actor=personas.caseworker_b, membership=member(personas.caseworker_b), case=referred, values=values
    )
    client = login_as(personas.caseworker_b)
    assert "red door" in client.get(url("safety_plan", referred)).content.decode()

    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.RISK],
        granted=False,
    )
    assert client.get(url("safety_plan", referred)).status_code == 404


def test_a_referral_organization_without_identity_never_sees_contacts(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.RISK], recorded_by=member(personas.caseworker_a)
    )
    page = login_as(personas.caseworker_b).get(url("safety_plan", referred)).content.decode()
    assert "No safety plan yet." in page


def test_it_says_when_the_review_is_due(personas, login_as, planned):
    SafetyPlan.objects.filter(case=planned).update(review_date=timezone.localdate() - datetime.timedelta(days=1))
    page = login_as(personas.caseworker_a).get(url("safety_plan", planned)).content.decode()
    assert "Review due:" in page and "Review the plan" in page


def test_it_works_right_to_left(personas, login_as, planned):
    page = login_as(personas.caseworker_a).get(url("safety_plan", planned), HTTP_ACCEPT_LANGUAGE="ar").content
    assert b'dir="rtl"' in page
    assert b'<td dir="ltr">+235 66 00 11 22</td>' in page  # a phone number reads left to right
