"""/api/v1/clients/{id}/assessments/: scored results in visible categories; recording through assessment_record."""

import pytest
from django.core.exceptions import PermissionDenied

from caseway.accounts.tests.helpers import audit_events
from caseway.clients.models import Assessment, Case, CaseAlert, DataCategory, RiskLevel
from caseway.clients.tests.api_helpers import auth, client_url
from caseway.clients.tests.erasure_helpers import PHQ9, identified_case, member, referred_to_b

pytestmark = pytest.mark.django_db


def post(client, user, case, data):
    return client.post(client_url(case, "assessments/"), data, content_type="application/json", **auth(user))


def test_it_lists_the_organizations_assessments_with_scores_and_answers(client, personas):
    case = identified_case(personas)

    body = client.get(client_url(case, "assessments/"), **auth(personas.caseworker_a)).json()

    (row,) = body["results"]
    assert row["instrument"] == {"code": "phq9", "version": 1, "category": "psychosocial"}
    assert (row["score"], row["answers"]["q9"]) == ("9.00", 1)
    assert row["flags"] == ["suicide_risk"]  # item 9 above zero
    assert row["band"] == "mild"
    assert audit_events("clients.assessments_viewed").count() == 1


def test_a_referral_organization_sees_only_consented_categories(client, personas):
    case_a = identified_case(personas)
    case_b = referred_to_b(personas, case_a, categories=[DataCategory.IDENTITY])
    from caseway.clients.assessment_services import assessment_record

    member_b = member(personas.caseworker_b)
    # B may not even record a psychosocial assessment without that category.
    with pytest.raises(PermissionDenied):
        assessment_record(
            actor=personas.caseworker_b, membership=member_b, case=case_b, instrument_code="phq9", answers=PHQ9
        )

    assert client.get(client_url(case_a, "assessments/"), **auth(personas.caseworker_b)).json()["results"] == []


def test_it_records_an_assessment_and_applies_the_result(client, personas):
    case = identified_case(personas)
    answers = dict.fromkeys(
        (
            "perpetrator_access",
            "threats_to_kill",
            "weapon",
            "strangulation",
            "escalation",
            "fears_for_life",
            "fears_killed_tonight",
            "children_at_risk",
            "no_safe_place_tonight",
            "recent_violence_72h",
            "suicidal_thoughts",
        ),
        "yes",
    )

    response = post(
        client, personas.caseworker_a, case, {"instrument": "risk", "answers": answers, "stage": "baseline"}
    )

    assert response.status_code == 201, response.content
    assert response.json()["band"] == "imminent"
    assert Case.objects.get(pk=case.pk).risk_level == RiskLevel.IMMINENT
    assert CaseAlert.objects.filter(case=case, kind=CaseAlert.Kind.IMMINENT_RISK).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"instrument": "phq9", "answers": {"q1": 9}},
        {"instrument": "phq9", "answers": {}},
        {"instrument": "nothing", "answers": PHQ9},
        {"instrument": "phq9", "answers": {**PHQ9, "q1": {"nested": [1]}}},
        {"instrument": "phq9", "answers": PHQ9, "interpreter_language": "not a code"},
    ],
)
def test_it_records_nothing_on_bad_answers(client, personas, data):
    case = identified_case(personas)

    response = post(client, personas.caseworker_a, case, data)

    assert response.status_code == 400, response.content
    assert Assessment.objects.filter(case=case).count() == 1


def test_it_answers_404_to_another_organization(client, personas):
    case = identified_case(personas)

    assert client.get(client_url(case, "assessments/"), **auth(personas.caseworker_b)).status_code == 404
    assert post(client, personas.caseworker_b, case, {"instrument": "phq9", "answers": PHQ9}).status_code == 404
    assert Assessment.objects.filter(case=case).count() == 1


def test_it_answers_401_without_credentials(client, personas):
    assert client.get(client_url(identified_case(personas), "assessments/")).status_code == 401


def test_it_refuses_roles_that_see_no_personal_data(client, personas):
    case = identified_case(personas)

    assert client.get(client_url(case, "assessments/"), **auth(personas.admin_a)).status_code == 403
    assert post(client, personas.admin_a, case, {"instrument": "phq9", "answers": PHQ9}).status_code == 403
