"""The assessments page of a case: results over time per instrument, in the categories the viewer may see."""

import pytest

from caseway.clients.models import ConsentPurpose, DataCategory
from caseway.clients.tests.assessments_helpers import (
    an_assessment,
    assert_refusals,
    case_at_a,
    count_queries,
    member,
    referral_case,
    url,
)
from caseway.clients.tests.factories import give_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


def test_it_refuses_everyone_but_the_organizations_staff(client, personas, case):
    assert_refusals(client, personas, url("assessment_list", case))


def test_it_lists_every_instrument_with_its_results_oldest_first(personas, login_as, case):
    an_assessment(personas.caseworker_a, case, q1=1)
    an_assessment(personas.caseworker_a, case, stage="follow_up", q1=3, q2=3, q3=3, q9=1)

    page = login_as(personas.caseworker_a).get(url("assessment_list", case)).content.decode()

    for name in ("PHQ-9", "GAD-7", "WHO-5", "WG-SS", "Needs assessment", "Risk assessment"):
        assert name in page
    phq9 = page[page.index('id="instrument-phq9"') :]
    assert phq9.index("Baseline") < phq9.index("Follow-up")
    assert ">1</td>" in phq9 and ">10</td>" in phq9
    assert "Moderate depression" in phq9
    assert "Thoughts of death or self-harm" in phq9  # the flag, labelled
    assert url("assessment_compare", case, code="phq9") in page
    assert "Record a follow-up" in phq9


def test_it_never_shows_answers(personas, login_as, case):
    assessment = an_assessment(personas.caseworker_a, case, q1=2)
    page = login_as(personas.caseworker_a).get(url("assessment_list", case)).content.decode()
    assert "More than half the days" not in page  # an answer's label
    assert url("assessment_detail", case, assessment_pk=assessment.pk) in page


def test_a_referral_organization_sees_only_the_categories_the_client_shared(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.NEEDS], recorded_by=member(personas.caseworker_a)
    )

    page = login_as(personas.caseworker_b).get(url("assessment_list", referred)).content.decode()

    assert "Needs assessment" in page
    for hidden in ("PHQ-9", "GAD-7", "WG-SS", "Risk assessment"):
        assert hidden not in page
    assert "Psychosocial notes" in page and "Risk and safety" in page  # named as not shared
    assert url("safety_plan", referred) not in page


def test_revoking_consent_hides_results_at_once(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.PSYCHOSOCIAL], recorded_by=member(personas.caseworker_a)
    )
    an_assessment(personas.caseworker_b, referred)
    client = login_as(personas.caseworker_b)
    assert "PHQ-9" in client.get(url("assessment_list", referred)).content.decode()

    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.PSYCHOSOCIAL],
        granted=False,
    )
    page = client.get(url("assessment_list", referred)).content.decode()
    assert "PHQ-9" not in page
    assert "has not agreed to share any assessment results" in page


def test_it_costs_the_same_number_of_queries_whatever_the_results(personas, login_as, case):
    client = login_as(personas.caseworker_a)
    an_assessment(personas.caseworker_a, case)
    few, response = count_queries(lambda: client.get(url("assessment_list", case)))
    assert response.status_code == 200
    for _number in range(4):
        an_assessment(personas.caseworker_a, case, stage="follow_up", q2=2)
        an_assessment(personas.caseworker_a, case, "risk")
    many, _response = count_queries(lambda: client.get(url("assessment_list", case)))
    assert many == few


def test_it_costs_the_same_number_of_queries_for_a_referral_organization(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.PSYCHOSOCIAL], recorded_by=member(personas.caseworker_a)
    )
    client = login_as(personas.caseworker_b)
    an_assessment(personas.caseworker_b, referred)
    few, _response = count_queries(lambda: client.get(url("assessment_list", referred)))
    for _number in range(5):
        an_assessment(personas.caseworker_b, referred, stage="follow_up")
    many, _response = count_queries(lambda: client.get(url("assessment_list", referred)))
    assert many == few


def test_it_shows_the_imminent_risk_gate(personas, login_as, case):
    from caseway.clients.tests.assessments_helpers import make_imminent

    make_imminent(personas.caseworker_a, case)
    page = login_as(personas.caseworker_a).get(url("assessment_list", case)).content.decode()
    assert 'id="safety-plan-gate"' in page and url("safety_plan_edit", case) in page


def test_it_works_right_to_left_in_arabic(personas, login_as, case):
    an_assessment(personas.caseworker_a, case)
    client = login_as(personas.caseworker_a)
    page = client.get(url("assessment_list", case), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in page
    assert "استبيان صحة المريض" in page  # the instrument's Arabic name, from its definition


@pytest.mark.parametrize("name", ["assessment_list", "safety_plan", "incident_list", "incident_new"])
def test_pages_of_this_area_name_the_client_by_code_only(personas, login_as, case, name):
    page = login_as(personas.caseworker_a).get(url(name, case)).content.decode()
    assert case.client.code in page
    assert "Amina" not in page and "Haddad" not in page
