"""Intake services: drafts saved encrypted, discarded with their key, completed all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import consent, intake
from caseway.clients.models import (
    Assessment,
    Case,
    CaseAlert,
    Client,
    Consent,
    ConsentPurpose,
    IntakeDraft,
    LinkRequest,
    Need,
    RiskLevel,
)
from caseway.clients.tests.factories import a_case
from caseway.clients.tests.intake_helpers import RISK_ITEMS, completed_intake, draft_at, member_of
from caseway.lib.crypto import KeyDestroyed
from caseway.vault.models import DataKey

pytestmark = pytest.mark.django_db


def test_it_starts_a_draft_under_a_fresh_key_and_audits_it(personas):
    draft = intake.intake_start(actor=personas.caseworker_a, membership=member_of(personas.caseworker_a))

    assert draft.step == intake.SAFETY
    assert draft.data_key.destroyed_at is None
    assert audit_events("clients.intake_started").get().target_id == str(draft.pk)


@pytest.mark.parametrize("persona", ["admin_a", "monitor_a", "coordinator", "donor"])
def test_roles_that_do_not_register_clients_may_not_start(personas, persona):
    user = getattr(personas, persona)

    with pytest.raises(PermissionDenied):
        intake.intake_start(actor=user, membership=user.memberships.get())
    assert not IntakeDraft.objects.exists()


def test_it_saves_a_step_encrypted_and_moves_on(personas):
    draft = draft_at(personas.caseworker_a, intake.REGISTRATION)

    draft.refresh_from_db()
    assert draft.step == intake.REGISTRATION
    assert draft.answers[intake.CONSENT]["services"]["answer"] == "yes"
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM clients_intakedraft")
        (raw,) = cursor.fetchone()
    assert "services" not in str(raw)
    event = audit_events("clients.intake_step_saved").order_by("seq").last()
    assert event.fields == ["answers.consent"]


def test_a_draft_is_reached_only_by_the_person_who_started_it(personas):
    draft = draft_at(personas.caseworker_a)

    assert intake.get_draft_for_member(member_of(personas.caseworker_a), draft.pk) == draft
    for other in (personas.supervisor_a, personas.caseworker_b):
        with pytest.raises(Http404):
            intake.get_draft_for_member(member_of(other), draft.pk)
        with pytest.raises(PermissionDenied):
            intake.intake_save_step(
                actor=other, membership=member_of(other), draft=draft, step="safety", answers={}, go_to="consent"
            )


def test_discarding_deletes_the_draft_and_destroys_its_key(personas):
    draft = draft_at(personas.caseworker_a, intake.NEEDS)
    key_id = draft.data_key_id

    intake.intake_discard(actor=personas.caseworker_a, membership=member_of(personas.caseworker_a), draft=draft)

    assert not IntakeDraft.objects.exists()
    key = DataKey.objects.get(pk=key_id)
    assert key.is_destroyed
    with pytest.raises(KeyDestroyed):
        key.unwrap()
    assert audit_events("clients.intake_discarded").count() == 1


def test_completing_writes_the_client_under_the_drafts_key(personas):
    draft, case = completed_intake(personas.caseworker_a)

    client = Client.objects.get()
    assert client.data_key_id == draft.data_key_id
    assert (client.given_name, client.family_name, client.birth_date) == ("Amina", "Haddad", "1991-04-12")
    assert (case.organization, case.caseworker, case.origin) == (
        personas.org_a,
        personas.caseworker_a,
        Case.Origin.INTAKE,
    )
    assert draft.completed_at is not None
    assert draft.client_id == client.pk
    assert draft.answers == {}
    assert audit_events("clients.intake_completed").count() == 1


def test_completing_records_each_consent_with_its_wording(personas):
    _draft, case = completed_intake(personas.caseworker_a)

    answers = {answer.purpose: answer for answer in Consent.objects.filter(client=case.client)}
    assert set(answers) == {"services", "statistics", "contact"}
    assert answers["services"].recipient_id == personas.org_a.pk
    assert answers["contact"].contact_methods == ["sms"]
    assert answers["statistics"].wording.text == consent.shipped_text("statistics", "en")
    assert consent.allows(case.client, ConsentPurpose.STATISTICS)


def test_completing_stores_baseline_assessments_and_their_consequences(personas):
    _draft, case = completed_intake(personas.caseworker_a)

    codes = set(Assessment.objects.filter(case=case, stage="baseline").values_list("instrument__code", flat=True))
    assert codes == {"needs", "wg_ss", "risk"}
    assert list(Need.objects.filter(case=case).values_list("domain", "priority")) == [("housing", "high")]
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.LOW
    assert case.client.has_disability is False


def test_an_imminent_risk_at_intake_requires_a_safety_plan_and_alerts_a_supervisor(personas):
    member = member_of(personas.caseworker_a)
    draft = draft_at(personas.caseworker_a, intake.SUMMARY)
    intake.intake_save_step(
        actor=personas.caseworker_a,
        membership=member,
        draft=draft,
        step=intake.RISK,
        answers={"answers": {**dict.fromkeys(RISK_ITEMS, 0), "fears_killed_tonight": 1}},
        go_to=intake.SUMMARY,
    )

    case = intake.intake_complete(actor=personas.caseworker_a, membership=member, draft=draft)

    case.refresh_from_db()
    assert (case.risk_level, case.safety_plan_required) == (RiskLevel.IMMINENT, True)
    assert CaseAlert.objects.get(case=case).kind == CaseAlert.Kind.IMMINENT_RISK


def test_skipped_steps_store_no_assessment(personas):
    member = member_of(personas.caseworker_a)
    draft = draft_at(personas.caseworker_a, intake.SUMMARY)
    for step in (intake.NEEDS, intake.DISABILITY, intake.RISK):
        intake.intake_save_step(
            actor=personas.caseworker_a,
            membership=member,
            draft=draft,
            step=step,
            answers={intake.SKIPPED: True},
            go_to=intake.SUMMARY,
        )

    case = intake.intake_complete(actor=personas.caseworker_a, membership=member, draft=draft)

    assert not Assessment.objects.exists()
    assert case.client.has_disability is None


def test_nothing_is_written_when_one_part_fails(personas):
    member = member_of(personas.caseworker_a)
    draft = draft_at(personas.caseworker_a, intake.SUMMARY)
    intake.intake_save_step(
        actor=personas.caseworker_a,
        membership=member,
        draft=draft,
        step=intake.RISK,
        answers={"answers": {"weapon": 1}},  # the others missing: the last thing written fails
        go_to=intake.SUMMARY,
    )

    with pytest.raises(ValidationError, match="Risk"):
        intake.intake_complete(actor=personas.caseworker_a, membership=member, draft=draft)

    assert not Client.objects.exists()
    assert not Consent.objects.exists()
    assert not Assessment.objects.exists()
    assert not Need.objects.exists()
    draft.refresh_from_db()
    assert draft.completed_at is None
    assert draft.answers[intake.REGISTRATION]["given_name"] == "Amina"


def test_a_young_child_needs_a_caregivers_consent_to_finish(personas):
    draft = draft_at(personas.caseworker_a, intake.SUMMARY, registration={"age_band": "5-11", "birth_date": ""})

    with pytest.raises(ValidationError):
        intake.intake_complete(actor=personas.caseworker_a, membership=member_of(personas.caseworker_a), draft=draft)
    assert not Client.objects.exists()


def test_a_refusal_of_services_opens_no_case(personas):
    member = member_of(personas.caseworker_a)
    draft = draft_at(personas.caseworker_a, intake.SUMMARY)
    answers = dict(draft.answers[intake.CONSENT])
    answers["services"] = {**answers["services"], "answer": "no"}
    intake.intake_save_step(
        actor=personas.caseworker_a, membership=member, draft=draft, step="consent", answers=answers, go_to="summary"
    )

    with pytest.raises(ValidationError):
        intake.intake_complete(actor=personas.caseworker_a, membership=member, draft=draft)
    assert not Client.objects.exists()


def test_a_finished_intake_cannot_be_finished_twice(personas):
    draft, _case = completed_intake(personas.caseworker_a)

    with pytest.raises(PermissionDenied):
        intake.intake_complete(actor=personas.caseworker_a, membership=member_of(personas.caseworker_a), draft=draft)
    assert Client.objects.count() == 1


def test_a_consented_link_request_alerts_the_other_organizations_supervisors(personas):
    elsewhere = a_case(
        member_of(personas.caseworker_b), given_name="Amina", family_name="Haddad", birth_date="1991-04-12"
    )
    member = member_of(personas.caseworker_a)
    draft = draft_at(personas.caseworker_a, intake.SUMMARY)
    intake.intake_save_step(
        actor=personas.caseworker_a,
        membership=member,
        draft=draft,
        step=intake.DUPLICATES,
        answers={"shown": True, "decision": intake.LINK},
        go_to=intake.SUMMARY,
    )

    case = intake.intake_complete(actor=personas.caseworker_a, membership=member, draft=draft)

    request = LinkRequest.objects.get()
    assert (request.requesting_case, request.candidate, request.requested_by) == (
        case,
        elsewhere.client,
        personas.caseworker_a,
    )
    alert = CaseAlert.objects.get(kind=CaseAlert.Kind.LINK_REQUEST)
    assert (alert.case, alert.audience) == (elsewhere, CaseAlert.Audience.SUPERVISOR)


def test_without_the_clients_agreement_no_link_is_requested(personas):
    a_case(member_of(personas.caseworker_b), given_name="Amina", family_name="Haddad", birth_date="1991-04-12")

    completed_intake(personas.caseworker_a)

    assert not LinkRequest.objects.exists()
    assert not CaseAlert.objects.filter(kind=CaseAlert.Kind.LINK_REQUEST).exists()
