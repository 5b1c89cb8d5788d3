"""subject_access_data: what the organization holds of a client, for the client; audited, by category."""

import pytest
from django.core.exceptions import PermissionDenied

from caseway.accounts.tests.helpers import audit_events
from caseway.clients import export
from caseway.clients.models import BreakGlassAccess, Case, ConsentPurpose, DataCategory
from caseway.clients.tests.erasure_helpers import (
    ADDRESS,
    BIRTH_DATE,
    FAMILY,
    GIVEN,
    PHONE,
    identified_case,
    member,
    referred_to_b,
)
from caseway.clients.tests.factories import give_consent

pytestmark = pytest.mark.django_db


def data_for(user, case):
    return export.subject_access_data(actor=user, membership=member(user), case=case)


def test_it_holds_identity_contact_consents_assessments_needs_safety_plan_and_incidents(personas):
    case = identified_case(personas)

    data = data_for(personas.caseworker_a, case)

    assert data["format"] == "caseway.subject_access"
    assert data["client"]["code"] == case.client.code
    assert data["identity"]["given_name"] == GIVEN and data["identity"]["family_name"] == FAMILY
    assert data["identity"]["birth_date"] == BIRTH_DATE and data["identity"]["aliases"] == ["Umm Ali"]
    assert data["contact"] == {"phone": PHONE, "address": ADDRESS}
    purposes = {answer["purpose"] for answer in data["consents"]}
    assert purposes == {ConsentPurpose.SERVICES, ConsentPurpose.STATISTICS, ConsentPurpose.CONTACT}
    services = next(answer for answer in data["consents"] if answer["purpose"] == ConsentPurpose.SERVICES)
    assert services["status"] == "in_force"
    assert services["wording"]["text"] and len(services["wording"]["sha256"]) == 64
    (phq9,) = data["assessments"]
    assert (phq9["instrument"], phq9["score"], phq9["answers"]["q1"]) == ("phq9", "9.00", 1)
    assert phq9["band"]
    assert data["needs"] == []
    assert data["safety_plan"]["code_word"] == "pomegranate"
    assert data["incidents"][0]["incident_type"] == "rape"
    assert data["incidents"][0]["perpetrator_type"] == "armed_group"


def test_it_is_audited_with_the_parts_it_held_never_the_values(personas):
    case = identified_case(personas)

    data_for(personas.caseworker_a, case)

    event = audit_events("clients.subject_access_exported").get()
    assert event.target_id == str(case.pk)
    assert "identity" in event.fields and "contact" in event.fields
    assert GIVEN not in " ".join(event.fields) + event.reason


def test_a_referral_organization_exports_only_the_categories_the_client_shares_with_it(personas):
    case_a = identified_case(personas)
    case_b = referred_to_b(personas, case_a, categories=[DataCategory.IDENTITY])

    data = data_for(personas.caseworker_b, case_b)

    assert data["identity"]["given_name"] == GIVEN
    assert "contact" not in data and "needs" not in data and "safety_plan" not in data
    assert data["assessments"] == []  # its own case holds none, and psychosocial is not shared
    # Only answers that concern it or the whole network; contact details of them hidden.
    contact = next(answer for answer in data["consents"] if answer["purpose"] == ConsentPurpose.CONTACT)
    assert (contact["contact_methods"], contact["safe_times"]) == ([], "")


def test_it_leaves_out_answers_addressed_to_a_third_organization(personas):
    case = identified_case(personas)
    give_consent(
        case.client,
        ConsentPurpose.REFERRAL,
        recorded_by=member(personas.caseworker_b),
        recipient=personas.org_other,
    )

    data = data_for(personas.caseworker_a, case)

    assert ConsentPurpose.REFERRAL not in {answer["purpose"] for answer in data["consents"]}


def test_it_refuses_staff_who_may_not_see_the_identity(personas):
    case = identified_case(personas, sensitive=True)
    Case.objects.filter(pk=case.pk).update(caseworker=None, supervisor=None)
    case.refresh_from_db()

    with pytest.raises(PermissionDenied):
        data_for(personas.legal_officer_a, case)
    assert not audit_events("clients.subject_access_exported").exists()


def test_break_glass_opens_it_like_the_identity(personas):
    from django.utils import timezone

    case = identified_case(personas, sensitive=True)
    BreakGlassAccess.objects.create(
        case=case,
        user=personas.legal_officer_a,
        reason="court deadline",
        expires_at=timezone.now() + timezone.timedelta(minutes=30),
    )

    assert data_for(personas.legal_officer_a, case)["identity"]["given_name"] == GIVEN


def test_a_referral_organization_without_identity_consent_may_not_export(personas):
    case_b = referred_to_b(personas, identified_case(personas), categories=[DataCategory.NEEDS])

    with pytest.raises(PermissionDenied):
        data_for(personas.caseworker_b, case_b)


def test_the_file_name_holds_the_code_and_the_date_never_a_name(personas):
    import datetime

    case = identified_case(personas)
    name = export.filename(case, datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC), "json")

    assert name == f"subject-access-{case.client.code}-2026-05-01.json"
    assert GIVEN not in name


def test_the_printable_version_speaks_words_not_codes(personas):
    case = identified_case(personas)

    page = export.printable(data_for(personas.caseworker_a, case))

    assert page["client"]["sex"] == "Female"
    assert page["client"]["languages"] == "ar, ku"
    assert page["safety_plan"]["trusted_contacts"] == "name: Layla; phone: +964 770 000 1111"
    assert page["incidents"][0]["perpetrator_type"] == "Member of an armed force or group"
    assert {answer["purpose"] for answer in page["consents"]} >= {"Be counted in anonymous statistics"}
