"""POST /api/v1/clients/{id}/assessments/ obeys the same gates and protocols as the assessment page.

Both call ``assessment_record``: the safety-plan gate after an imminent risk, the suicide-risk
protocol (PHQ-9 item 9 above zero), the urgent-health alert (violence within 72 hours).
"""

import pytest
from django.urls import reverse

from caseway.clients import gates
from caseway.clients.models import Assessment, Case, CaseAlert, RiskLevel
from caseway.clients.tests.api_helpers import auth, client_url
from caseway.clients.tests.factories import a_case
from caseway.clients.tests.records_helpers import member

pytestmark = pytest.mark.django_db

RISK_ITEMS = (
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
)
NO_RISK = dict.fromkeys(RISK_ITEMS, "no")
PHQ9_NONE = {f"q{number}": 0 for number in range(1, 10)}


@pytest.fixture
def case(personas):
    case = a_case(member(personas.caseworker_a))
    Case.objects.filter(pk=case.pk).update(supervisor=personas.supervisor_a)
    case.refresh_from_db()
    return case


def post(client, user, case, data):
    return client.post(client_url(case, "assessments/"), data, content_type="application/json", **auth(user))


def alerts_of(case, kind):
    return {(alert.audience, alert.is_task): alert for alert in CaseAlert.objects.filter(case=case, kind=kind)}


def test_an_imminent_risk_through_the_api_closes_the_gate_for_the_api_and_the_page(client, personas, login_as, case):
    imminent = post(
        client,
        personas.caseworker_a,
        case,
        {"instrument": "risk", "answers": {**NO_RISK, "weapon": "yes", "fears_killed_tonight": "yes"}},
    )
    assert imminent.status_code == 201, imminent.content
    case.refresh_from_db()
    assert (case.risk_level, case.safety_plan_required) == (RiskLevel.IMMINENT, True)
    assert set(alerts_of(case, CaseAlert.Kind.IMMINENT_RISK)) == {("supervisor", False)}

    refused = post(client, personas.caseworker_a, case, {"instrument": "phq9", "answers": PHQ9_NONE})

    assert refused.status_code == 400
    assert str(gates.GATE_MESSAGE) in refused.content.decode()
    assert Assessment.objects.filter(case=case).count() == 1
    page = login_as(personas.caseworker_a).get(reverse("clients:assessment_new", args=[case.pk, "phq9"]))
    assert page["Location"] == reverse("clients:safety_plan_edit", args=[case.pk])


def test_the_api_refuses_an_assessment_while_a_safety_plan_is_required(client, personas, case):
    Case.objects.filter(pk=case.pk).update(safety_plan_required=True)

    response = post(client, personas.caseworker_a, case, {"instrument": "risk", "answers": NO_RISK})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [str(gates.GATE_MESSAGE)]}
    assert not Assessment.objects.filter(case=case).exists()
    assert not CaseAlert.objects.exists()


def test_phq9_item_9_through_the_api_starts_the_suicide_risk_protocol(client, personas, case):
    response = post(client, personas.caseworker_a, case, {"instrument": "phq9", "answers": {**PHQ9_NONE, "q9": 1}})

    assert response.status_code == 201, response.content
    assert response.json()["flags"] == ["suicide_risk"]
    alerts = alerts_of(case, CaseAlert.Kind.SUICIDE_RISK)
    assert set(alerts) == {("supervisor", False), ("caseworker", True)}
    assert alerts[("supervisor", False)].assigned_to == personas.supervisor_a
    assert alerts[("caseworker", True)].assigned_to == personas.caseworker_a


def test_phq9_item_9_at_zero_starts_nothing(client, personas, case):
    response = post(client, personas.caseworker_a, case, {"instrument": "phq9", "answers": PHQ9_NONE})

    assert response.status_code == 201, response.content
    assert not CaseAlert.objects.exists()


def test_violence_within_72_hours_through_the_api_alerts_the_supervisor(client, personas, case):
    response = post(
        client,
        personas.caseworker_a,
        case,
        {"instrument": "risk", "answers": {**NO_RISK, "recent_violence_72h": "yes"}},
    )

    assert response.status_code == 201, response.content
    case.refresh_from_db()
    assert case.urgent_health_need
    alerts = alerts_of(case, CaseAlert.Kind.URGENT_HEALTH)
    assert set(alerts) == {("supervisor", False), ("caseworker", True)}
    assert alerts[("supervisor", False)].assigned_to == personas.supervisor_a
    assert alerts[("caseworker", True)].assigned_to == personas.caseworker_a
