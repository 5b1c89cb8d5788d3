"""consent_record: one answer, validated with clear messages, audited by field names only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import consent
from caseway.clients.models import AgeBand, Consent, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import a_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_a(personas):
    return personas.caseworker_a.memberships.get()


@pytest.fixture
def case(member_a):
    return a_case(member_a)


def record(personas, member, client, purpose, **overrides):
    arguments = {
        "actor": member.user,
        "membership": member,
        "client": client,
        "purpose": purpose,
        "granted": True,
        "given_by": Consent.GivenBy.CLIENT,
        "method": Consent.Method.VERBAL,
        "wording": consent.wording_for(purpose, "en") if purpose in ConsentPurpose.values else None,
        **overrides,
    }
    return consent.consent_record(**arguments)


def errors_of(excinfo) -> dict:
    return {name: [str(message) for message in messages] for name, messages in excinfo.value.message_dict.items()}


def test_it_records_a_grant_with_the_wording_hash_and_audits_field_names(personas, member_a, case):
    answer = record(
        personas,
        member_a,
        case.client,
        ConsentPurpose.SHARING,
        recipient=personas.org_b,
        categories=[DataCategory.NEEDS],
        interpreter_language="ku",
        method=Consent.Method.THUMBPRINT,
    )

    answer.refresh_from_db()
    assert answer.recipient == personas.org_b
    assert answer.categories == ["needs"]
    assert answer.wording_sha256 == consent.text_digest(answer.wording.text) == answer.wording.sha256
    assert answer.recorded_by == personas.caseworker_a
    assert consent.allows(case.client, ConsentPurpose.SHARING, personas.org_b, DataCategory.NEEDS)
    event = audit_events("clients.consent_recorded").get()
    assert event.target_id == str(answer.pk)
    assert "categories" in event.fields
    assert "interpreter_language" in event.fields
    assert "needs" not in event.fields
    assert "ku" not in event.fields


def test_services_are_answered_to_the_recording_organization(personas, member_a, case):
    answer = record(personas, member_a, case.client, ConsentPurpose.SERVICES)

    assert answer.recipient_id == personas.org_a.pk


def test_statistics_and_contact_name_no_organization(personas, member_a, case):
    answer = record(personas, member_a, case.client, ConsentPurpose.STATISTICS, recipient=personas.org_b)
    contact = record(
        personas,
        member_a,
        case.client,
        ConsentPurpose.CONTACT,
        contact_methods=["sms", "phone"],
        safe_times="Mornings only",
    )

    assert answer.recipient_id is None
    assert (contact.recipient_id, contact.contact_methods, contact.safe_times) == (
        None,
        ["phone", "sms"],
        "Mornings only",
    )


@pytest.mark.parametrize(
    ("purpose", "overrides", "field", "message"),
    [
        ("", {"wording": None}, "purpose", "Choose what the consent is for."),
        ("anything", {"wording": None}, "purpose", "Choose what the consent is for."),
        (ConsentPurpose.REFERRAL, {}, "recipient", "Name the organization"),
        (ConsentPurpose.SHARING, {"categories": ["needs"]}, "recipient", "Name the organization"),
        (ConsentPurpose.SHARING, {"recipient": "org_b"}, "categories", "Choose which information may be shared."),
        (ConsentPurpose.SHARING, {"recipient": "org_b", "categories": ["gossip"]}, "categories", "from the list"),
        (ConsentPurpose.REFERRAL, {"recipient": "org_a"}, "recipient", "Choose another organization"),
        (ConsentPurpose.SERVICES, {"given_by": "caregiver"}, "caregiver_relationship", "how the caregiver is related"),
        (ConsentPurpose.SERVICES, {"given_by": "neighbour"}, "given_by", "Say who gave the answer."),
        (ConsentPurpose.SERVICES, {"method": ""}, "method", "Say how the answer was given."),
        (ConsentPurpose.SERVICES, {"expires_at": "past"}, "expires_at", "The end date must be in the future."),
        (ConsentPurpose.SERVICES, {"interpreter_language": "Kurdish!"}, "interpreter_language", "language code"),
        (ConsentPurpose.CONTACT, {}, "contact_methods", "at least one safe way"),
        (ConsentPurpose.CONTACT, {"contact_methods": ["sms", "none"]}, "contact_methods", "Do not contact"),
        (ConsentPurpose.SERVICES, {"wording": "statistics"}, "wording", "the one for this purpose"),
        (ConsentPurpose.SERVICES, {"witness": "caseworker_b"}, "witness", "member of your organization"),
    ],
)
def test_it_refuses_bad_answers_with_a_clear_message_and_writes_nothing(
    personas, member_a, case, purpose, overrides, field, message
):
    resolved = dict(overrides)
    if resolved.get("recipient") in {"org_a", "org_b"}:
        resolved["recipient"] = getattr(personas, resolved["recipient"])
    if resolved.get("expires_at") == "past":
        resolved["expires_at"] = timezone.now() - datetime.timedelta(days=1)
    if resolved.get("wording") == "statistics":
        resolved["wording"] = consent.wording_for(ConsentPurpose.STATISTICS, "en")
    if resolved.get("witness") == "caseworker_b":
        resolved["witness"] = personas.caseworker_b
    before = Consent.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        record(personas, member_a, case.client, purpose, **resolved)

    assert message in " ".join(errors_of(excinfo)[field])
    assert Consent.objects.count() == before
    assert not audit_events("clients.consent_recorded").exists()


def test_its_messages_go_through_the_translation_catalog(personas, member_a, case, monkeypatch):
    # The fr/ar/es catalogs are filled by makemessages; this proves each message is looked up there.
    monkeypatch.setattr(consent, "_", lambda message: f"[{translation.get_language()}] {message}")

    with translation.override("fr"), pytest.raises(ValidationError) as excinfo:
        record(personas, member_a, case.client, "", wording=None)

    assert errors_of(excinfo)["purpose"] == ["[fr] Choose what the consent is for."]


@pytest.mark.parametrize("band", [AgeBand.AGE_0_4, AgeBand.AGE_5_11])
def test_a_young_child_needs_a_caregiver(personas, member_a, band):
    child = a_case(member_a, age_band=band).client

    with pytest.raises(ValidationError) as excinfo:
        record(personas, member_a, child, ConsentPurpose.STATISTICS)
    answer = record(
        personas,
        member_a,
        child,
        ConsentPurpose.STATISTICS,
        given_by=Consent.GivenBy.CAREGIVER,
        caregiver_relationship="Mother",
    )

    assert "caregiver" in errors_of(excinfo)["given_by"][0]
    assert answer.caregiver_relationship == "Mother"


def test_an_adolescent_may_answer_for_themselves(personas, member_a):
    teenager = a_case(member_a, age_band=AgeBand.AGE_12_17).client

    assert record(personas, member_a, teenager, ConsentPurpose.STATISTICS).given_by == "client"


def test_a_refusal_of_sharing_may_name_no_category(personas, member_a, case):
    answer = record(personas, member_a, case.client, ConsentPurpose.SHARING, recipient=personas.org_b, granted=False)

    assert answer.categories == []


def test_an_organization_without_a_case_for_the_client_may_not_record(personas, member_a, case):
    member_b = personas.caseworker_b.memberships.get()

    with pytest.raises(PermissionDenied):
        record(personas, member_b, case.client, ConsentPurpose.STATISTICS)
    assert not audit_events("clients.consent_recorded").exists()


@pytest.mark.parametrize("persona", ["admin_a", "monitor_a", "coordinator", "donor", "unaffiliated"])
def test_roles_that_do_not_register_clients_may_not_record(personas, case, persona):
    user = getattr(personas, persona)
    membership = user.memberships.first()

    with pytest.raises(PermissionDenied):
        record(personas, membership, case.client, ConsentPurpose.STATISTICS)
