"""referrals.package: the snapshot holds only the categories asked, and never what stays with the
sender (safety plan contents, incident classification answers, assessment answers)."""

import pytest
from django.utils import timezone

from caseway.clients.models import Assessment, Consent, ConsentPurpose, Incident, Need, SafetyPlan
from caseway.clients.tests.assessments_helpers import an_assessment
from caseway.clients.tests.factories import give_consent
from caseway.referrals import package
from caseway.referrals.tests.helpers import a_sender_case, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    case = a_sender_case(personas, aliases=["Umm Fadi"], documents_held=["passport"])
    client = case.client
    SafetyPlan.objects.create(
        case=case,
        data_key=client.data_key,
        code_word="heron",
        safe_places="her aunt's house",
        trusted_contacts=[{"name": "Layla", "phone": "+999 1"}],
        review_date=timezone.localdate(),
    )
    Incident.objects.create(
        case=case,
        data_key=client.data_key,
        classification_answers={"penetration": True},
        incident_type="rape",
        perpetrator_type=Incident.PerpetratorType.ARMED_GROUP,
        within_72_hours=True,
    )
    Need.objects.create(case=case, domain=Need.Domain.HEALTH, priority=Need.Priority.HIGH)
    Need.objects.create(case=case, domain=Need.Domain.HOUSING, priority=Need.Priority.LOW, status=Need.Status.MET)
    an_assessment(personas.caseworker_a, case, "phq9")
    return case


def test_it_holds_only_the_categories_asked(case):
    snapshot = package.snapshot(case, ["needs"])

    assert set(snapshot["sections"]) == {"needs"}
    assert snapshot["sections"]["needs"]["needs"] == [{"domain": "health", "priority": "high"}]
    assert snapshot["client"]["code"] == case.client.code
    assert "Amina" not in str(snapshot)
    assert snapshot["override"] == {"referral": False, "categories": []}


def test_it_never_holds_the_safety_plans_contents_nor_classification_answers(case):
    risk = package.snapshot(case, ["risk"])["sections"]["risk"]

    assert risk["safety_plan_exists"] is True
    assert risk["incidents"] == [
        {"incident_type": "rape", "incident_date": None, "within_72_hours": True, "perpetrator_type": "armed_group"}
    ]
    text = str(risk)
    for secret in ("heron", "aunt", "Layla", "penetration"):
        assert secret not in text


def test_it_holds_scores_never_answers(case):
    psychosocial = package.snapshot(case, ["psychosocial"])["sections"]["psychosocial"]

    result = psychosocial["assessments"][0]
    stored = Assessment.objects.get(case=case)
    assert (result["instrument"], result["score"], result["band"]) == ("phq9", str(stored.score), stored.band)
    assert "answers" not in result


def test_it_holds_identity_and_the_safe_ways_to_contact(personas, case):
    give_consent(
        case.client,
        ConsentPurpose.CONTACT,
        recorded_by=member(personas.caseworker_a),
        contact_methods=[Consent.ContactMethod.SMS],
        safe_times="mornings only",
    )

    sections = package.snapshot(case, ["identity", "contact"])["sections"]

    assert sections["identity"]["aliases"] == ["Umm Fadi"]
    assert sections["identity"]["documents_held"] == ["passport"]
    assert sections["contact"]["preferences"] == {"agreed": True, "methods": ["sms"], "safe_times": "mornings only"}


def test_it_cuts_the_package_down_to_what_a_viewer_may_see(case):
    snapshot = package.snapshot(case, ["identity", "needs", "risk"])

    part = package.visible_part(snapshot, {"needs"})

    assert set(part["sections"]) == {"needs"}
    assert part["client"] == snapshot["client"]
    assert package.visible_part(None, {"needs"})["sections"] == {}
