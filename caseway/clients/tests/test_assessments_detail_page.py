"""A result's page: score, band, flags, required actions and the answers, each opening audited."""

import pytest

from caseway.clients.models import DataCategory
from caseway.clients.tests.assessments_helpers import (
    an_assessment,
    assert_refusals,
    case_at_a,
    events,
    member,
    referral_case,
    url,
)
from caseway.clients.tests.factories import give_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


@pytest.fixture
def assessment(personas, case):
    return an_assessment(personas.caseworker_a, case, q1=2, q2=3, q9=1, difficulty="very_difficult")


def detail(case, assessment):
    return url("assessment_detail", case, assessment_pk=assessment.pk)


def test_it_refuses_everyone_but_the_organizations_staff(client, personas, case, assessment):
    assert_refusals(client, personas, detail(case, assessment))
    assert events("clients.assessment_viewed") == []


def test_it_shows_the_result_and_the_answers_labelled(personas, login_as, case, assessment):
    page = login_as(personas.caseworker_a).get(detail(case, assessment)).content.decode()

    assert ">6</span>" in page and "from 0 to 27" in page
    assert "Mild depression" in page
    assert "Thoughts of death or self-harm" in page
    assert "Assess suicide risk today and follow the protocol" in page  # a required action
    assert "More than half the days" in page and "Nearly every day" in page  # answers, labelled
    assert "Very difficult" in page


def test_it_audits_each_opening_naming_the_answers_not_their_values(personas, login_as, case, assessment):
    client = login_as(personas.caseworker_a)
    client.get(detail(case, assessment))
    client.get(detail(case, assessment))
    viewed = events("clients.assessment_viewed")
    assert len(viewed) == 2
    assert viewed[0].fields == ["answers"]
    assert viewed[0].target_id == str(assessment.pk)


def test_it_answers_404_for_another_cases_result(personas, login_as, assessment):
    other = case_at_a(personas)
    assert login_as(personas.caseworker_a).get(detail(other, assessment)).status_code == 404


def test_a_result_in_a_category_not_shared_is_404_and_revocation_hides_it_at_once(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.PSYCHOSOCIAL], recorded_by=member(personas.caseworker_a)
    )
    assessment = an_assessment(personas.caseworker_b, referred)
    client = login_as(personas.caseworker_b)
    assert client.get(detail(referred, assessment)).status_code == 200

    give_consent(
        case.client,
        "sharing",
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.PSYCHOSOCIAL],
        granted=False,
    )
    assert client.get(detail(referred, assessment)).status_code == 404


def test_it_offers_the_comparison_once_there_are_two_results(personas, login_as, case, assessment):
    client = login_as(personas.caseworker_a)
    compare = url("assessment_compare", case, code="phq9")
    assert compare not in client.get(detail(case, assessment)).content.decode()
    an_assessment(personas.caseworker_a, case, stage="follow_up")
    assert compare in client.get(detail(case, assessment)).content.decode()
