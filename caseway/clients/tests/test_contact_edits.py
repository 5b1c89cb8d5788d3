"""Contact details and contact preferences are changed only by someone who may see who the client is.

A referred organization the client shared contact details with but not their identity, or a
caseworker outside a sensitive case's team, may not change the client's phone, address or
contact preferences (SMS, calls, safe times): a clear, translated error, and nothing written.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import consent, services
from caseway.clients.models import Case, Client, Consent, ConsentPurpose, DataCategory
from caseway.clients.services import CONTACT_NEEDS_IDENTITY, CONTACT_NOT_SHARED, client_update_identity
from caseway.clients.tests.consent_pages_helpers import answer_data, new_url
from caseway.clients.tests.factories import a_case, give_consent
from caseway.clients.tests.records_helpers import member
from caseway.orgs.permissions import Role
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db

PHONE = "+964 771 330 2291"
NEW_PHONE = "+964 771 330 9999"


@pytest.fixture
def ours(personas):
    return a_case(member(personas.caseworker_a), given_name="Rana", family_name="Tahiri", phone=PHONE)


def referred(personas, case, categories) -> Case:
    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=list(categories),
    )
    return Case.objects.create(
        organization=personas.org_b, client=case.client, origin=Case.Origin.REFERRAL, caseworker=personas.caseworker_b
    )


def sensitive_outside_team(personas):
    """A sensitive case of org A assigned to another caseworker: caseworker_a is outside its team."""
    other = make_member(personas.org_a, Role.CASEWORKER, "second.caseworker.a@example.org")
    case = a_case(member(personas.supervisor_a), sensitive=True, given_name="Rana", phone=PHONE)
    Case.objects.filter(pk=case.pk).update(caseworker=other)
    case.refresh_from_db()
    return case


def phone_of(case) -> str:
    return Client.objects.get(pk=case.client_id).phone


# --- the service ------------------------------------------------------------------------------


def test_a_contact_only_organization_may_not_change_the_phone(personas, ours):
    theirs = referred(personas, ours, [DataCategory.CONTACT])

    with pytest.raises(ValidationError) as raised:
        client_update_identity(
            actor=personas.caseworker_b,
            membership=member(personas.caseworker_b),
            case=theirs,
            values={"phone": NEW_PHONE},
        )

    assert raised.value.messages == [str(CONTACT_NEEDS_IDENTITY)]
    assert phone_of(ours) == PHONE
    assert not audit_events("clients.client_updated").exists()


def test_a_caseworker_outside_a_sensitive_cases_team_may_not_change_the_address(personas):
    case = sensitive_outside_team(personas)

    with pytest.raises(ValidationError) as raised:
        client_update_identity(
            actor=personas.caseworker_a,
            membership=member(personas.caseworker_a),
            case=case,
            values={"address": "Somewhere else"},
        )

    assert raised.value.messages == [str(CONTACT_NEEDS_IDENTITY)]
    assert Client.objects.get(pk=case.client_id).address is None


def test_an_organization_that_sees_the_identity_but_not_the_contact_may_not_change_the_phone(personas, ours):
    theirs = referred(personas, ours, [DataCategory.IDENTITY])

    with pytest.raises(ValidationError) as raised:
        client_update_identity(
            actor=personas.caseworker_b,
            membership=member(personas.caseworker_b),
            case=theirs,
            values={"phone": NEW_PHONE},
        )

    assert raised.value.messages == [str(CONTACT_NOT_SHARED)]
    assert phone_of(ours) == PHONE


def test_an_organization_that_sees_identity_and_contact_changes_the_phone(personas, ours):
    theirs = referred(personas, ours, [DataCategory.IDENTITY, DataCategory.CONTACT])

    client_update_identity(
        actor=personas.caseworker_b, membership=member(personas.caseworker_b), case=theirs, values={"phone": NEW_PHONE}
    )

    assert phone_of(ours) == NEW_PHONE


# --- contact preferences (the contact consent) ------------------------------------------------


def record_contact(user, case, **extra):
    return consent.consent_record(
        actor=user,
        membership=member(user),
        client=case.client,
        purpose=ConsentPurpose.CONTACT,
        granted=True,
        contact_methods=["phone"],
        safe_times="Any time",
        given_by=Consent.GivenBy.CLIENT,
        method=Consent.Method.VERBAL,
        wording=consent.wording_for(ConsentPurpose.CONTACT, "en"),
        **extra,
    )


def test_a_contact_only_organization_may_not_change_contact_preferences(personas, ours):
    referred(personas, ours, [DataCategory.CONTACT])

    with pytest.raises(ValidationError) as raised:
        record_contact(personas.caseworker_b, ours)

    assert raised.value.message_dict == {"purpose": [str(CONTACT_NEEDS_IDENTITY)]}
    assert not Consent.objects.filter(purpose=ConsentPurpose.CONTACT).exists()


def test_a_caseworker_outside_a_sensitive_cases_team_may_not_change_contact_preferences(personas):
    case = sensitive_outside_team(personas)

    with pytest.raises(ValidationError):
        record_contact(personas.caseworker_a, case)

    assert not Consent.objects.filter(purpose=ConsentPurpose.CONTACT).exists()
    assert record_contact(personas.supervisor_a, case).safe_times == "Any time"


def test_other_purposes_stay_open_to_a_contact_only_organization(personas, ours):
    referred(personas, ours, [DataCategory.CONTACT])

    answer = consent.consent_record(
        actor=personas.caseworker_b,
        membership=member(personas.caseworker_b),
        client=ours.client,
        purpose=ConsentPurpose.STATISTICS,
        granted=True,
        given_by=Consent.GivenBy.CLIENT,
        method=Consent.Method.VERBAL,
        wording=consent.wording_for(ConsentPurpose.STATISTICS, "en"),
    )

    assert answer.pk is not None


def test_a_legal_officer_who_registers_a_sensitive_client_is_its_caseworker_and_records_contact(personas):
    case = services.client_register(
        actor=personas.legal_officer_a,
        membership=member(personas.legal_officer_a),
        values={
            "sex": "female",
            "age_band": "25-59",
            "admin_area": a_case(member(personas.caseworker_a)).client.admin_area,
        },
        sensitivity=Case.Sensitivity.SENSITIVE,
    )

    assert case.caseworker == personas.legal_officer_a
    assert record_contact(personas.legal_officer_a, case).pk is not None


# --- the pages --------------------------------------------------------------------------------


def test_the_edit_page_explains_the_refusal_to_a_contact_only_organization(personas, login_as, ours):
    theirs = referred(personas, ours, [DataCategory.CONTACT])
    client = login_as(personas.caseworker_b)

    page = client.get(reverse("clients:case_detail", args=[theirs.pk])).content.decode()
    response = client.get(reverse("clients:identity_edit", args=[theirs.pk]))
    posted = client.post(reverse("clients:identity_edit", args=[theirs.pk]), {"phone": NEW_PHONE})

    assert str(CONTACT_NEEDS_IDENTITY) in page
    assert reverse("clients:identity_edit", args=[theirs.pk]) not in page
    assert response.status_code == 403
    assert str(CONTACT_NEEDS_IDENTITY) in response.content.decode()
    assert "<form" not in response.content.decode().split("<main", 1)[-1]
    assert posted.status_code == 403
    assert phone_of(ours) == PHONE


def test_the_consent_page_shows_the_refusal_as_a_form_error(personas, login_as, ours):
    referred(personas, ours, [DataCategory.CONTACT])
    client = login_as(personas.caseworker_b)

    response = client.post(
        new_url(ours, "contact"), answer_data("contact", contact_methods=["sms"], safe_times="Evenings")
    )

    assert response.status_code == 200  # the form again, with the error (as every error of this page)
    assert str(CONTACT_NEEDS_IDENTITY) in response.content.decode()
    assert not Consent.objects.filter(purpose=ConsentPurpose.CONTACT).exists()
