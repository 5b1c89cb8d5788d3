"""An incident's page: the classification answers (decrypted, audited), never anyone's identity."""

import pytest

from caseway.clients.models import ConsentPurpose, DataCategory
from caseway.clients.tests.assessments_helpers import (
    an_incident,
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
def incident(personas, case):
    return an_incident(personas.caseworker_a, case, answers={"penetration": False, "unwanted_sexual_contact": True})


def detail(case, incident):
    return url("incident_detail", case, incident_pk=incident.pk)


def test_it_refuses_everyone_but_the_organizations_staff(client, personas, case, incident):
    assert_refusals(client, personas, detail(case, incident))
    assert events("clients.incident_viewed") == []


def test_it_shows_the_classification_and_the_answers_used(personas, login_as, case, incident):
    page = login_as(personas.caseworker_a).get(detail(case, incident)).content.decode()
    assert "Sexual assault" in page
    assert "Conflict-related sexual violence" in page
    assert "Did the reported incident include penetration" in page
    assert "Did the reported incident include unwanted sexual contact" in page
    assert "Did the reported incident include physical assault" not in page  # not asked: the tool stopped


def test_it_audits_each_opening(personas, login_as, case, incident):
    login_as(personas.caseworker_a).get(detail(case, incident))
    (event,) = events("clients.incident_viewed")
    assert event.fields == ["classification_answers"] and event.target_id == str(incident.pk)


def test_it_answers_404_for_another_cases_incident(personas, login_as, incident):
    assert login_as(personas.caseworker_a).get(detail(case_at_a(personas), incident)).status_code == 404


def test_revoking_risk_consent_hides_it_at_once(personas, login_as, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.RISK], recorded_by=member(personas.caseworker_a)
    )
    incident = an_incident(personas.caseworker_b, referred)
    client = login_as(personas.caseworker_b)
    assert client.get(detail(referred, incident)).status_code == 200
    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.RISK],
        granted=False,
    )
    assert client.get(detail(referred, incident)).status_code == 404
