"""safety_plan_save: encrypted plan, audited by field names, clears a required plan, identity rules."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone, translation

from caseway.clients import safety
from caseway.clients.models import Case, CaseAlert, DataCategory, SafetyPlan
from caseway.clients.tests.assessments_helpers import (
    EVERY_CATEGORY_BUT_RISK,
    a_plan,
    case_at_a,
    events,
    make_imminent,
    member,
    plan_values,
    referral_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return case_at_a(personas)


def save(user, case, **values):
    return safety.safety_plan_save(actor=user, membership=member(user), case=case, values=values)


def test_it_creates_the_plan_encrypted_under_the_clients_key(personas, case):
    plan = a_plan(personas.caseworker_a, case)

    plan.refresh_from_db()
    assert plan.created and plan.data_key_id == case.client.data_key_id
    assert plan.trusted_contacts == [{"name": "Sister Leila", "phone": "+235 66 00 11 22", "relationship": "sister"}]
    assert plan.code_word == "blue mango"
    assert plan.digital_safety == {
        "shared_phone": True,
        "location_sharing": True,
        "social_media": False,
        "passwords": False,
        "call_log": False,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT trusted_contacts, safe_places, warning_signs, code_word, digital_safety FROM clients_safetyplan"
        )
        row = " ".join(str(value) for value in cursor.fetchone())
    for secret in ("Leila", "66 00 11 22", "health centre", "drinking", "blue mango", "shared_phone"):
        assert secret not in row


def test_it_audits_field_names_never_values(personas, case):
    a_plan(personas.caseworker_a, case)
    (event,) = events("clients.safety_plan_created")
    assert set(event.fields) == {
        "trusted_contacts",
        "safe_places",
        "warning_signs",
        "code_word",
        "digital_safety",
        "review_date",
    }
    assert "Leila" not in str(event.__dict__) and "mango" not in str(event.__dict__)


def test_it_updates_only_what_changed_and_keeps_what_is_left_out(personas, case):
    a_plan(personas.caseworker_a, case)
    review = timezone.localdate() + datetime.timedelta(days=30)

    plan = save(personas.caseworker_a, case, code_word="green lemon", review_date=review)

    assert plan.changed == ["code_word", "review_date"]
    plan.refresh_from_db()
    assert (plan.code_word, plan.review_date, plan.safe_places) == (
        "green lemon",
        review,
        "The health centre on the market road.",
    )
    assert events("clients.safety_plan_updated")[0].fields == ["code_word", "review_date"]


def test_it_writes_nothing_when_nothing_changed(personas, case):
    a_plan(personas.caseworker_a, case)
    plan = a_plan(personas.caseworker_a, case)
    assert (plan.created, plan.changed) == (False, [])
    assert events("clients.safety_plan_updated") == []


def test_it_clears_a_required_plan_and_keeps_the_supervisors_alert_open(personas, case):
    make_imminent(personas.caseworker_a, case)
    task = CaseAlert.objects.create(
        case=case, kind=CaseAlert.Kind.IMMINENT_RISK, audience=CaseAlert.Audience.CASEWORKER, is_task=True
    )

    plan = a_plan(personas.caseworker_a, case)

    assert plan.cleared_requirement
    case.refresh_from_db()
    assert not case.safety_plan_required
    task.refresh_from_db()
    assert task.resolved_at is not None and task.resolved_by == personas.caseworker_a
    supervisors = CaseAlert.objects.get(kind=CaseAlert.Kind.IMMINENT_RISK, audience=CaseAlert.Audience.SUPERVISOR)
    assert supervisors.resolved_at is None
    fields = events("clients.safety_plan_created")[0].fields
    assert {"case.safety_plan_required", "alert.imminent_risk.caseworker"} <= set(fields)


def test_saving_an_unchanged_plan_counts_as_the_review_a_new_imminent_risk_needs(personas, case):
    a_plan(personas.caseworker_a, case)
    make_imminent(personas.caseworker_a, case)

    plan = a_plan(personas.caseworker_a, case)

    assert plan.cleared_requirement and plan.changed == []
    case.refresh_from_db()
    assert not case.safety_plan_required
    assert events("clients.safety_plan_updated")[0].fields == ["case.safety_plan_required"]


@pytest.mark.parametrize(
    "values,field",
    [
        ({"review_date": None}, "review_date"),
        ({"review_date": timezone.localdate()}, "review_date"),
        ({"review_date": timezone.localdate() + datetime.timedelta(days=400)}, "review_date"),
        ({"code_word": "x" * 101}, "code_word"),
        ({"safe_places": "x" * 2001}, "safe_places"),
        ({"digital_safety": ["unknown_item"]}, "digital_safety"),
        ({"trusted_contacts": [{"name": "", "phone": "+235 66 00 11 22", "relationship": ""}]}, "contact_0_name"),
        ({"trusted_contacts": [{"name": "Leila", "phone": "", "relationship": ""}]}, "contact_0_phone"),
        ({"trusted_contacts": [{"name": "Leila", "phone": "call me", "relationship": ""}]}, "contact_0_phone"),
        ({"trusted_contacts": [{"name": "Leila", "phone": "12", "relationship": ""}]}, "contact_0_phone"),
        (
            {
                "trusted_contacts": [
                    {"name": f"P{n}", "phone": "+235 66 00 11 22", "relationship": ""} for n in range(6)
                ]
            },
            "trusted_contacts",
        ),
    ],
)
def test_it_refuses_bad_input_in_the_users_language_and_writes_nothing(personas, case, values, field):
    with translation.override("fr"), pytest.raises(ValidationError) as raised:
        a_plan(personas.caseworker_a, case, **values)
    assert field in raised.value.error_dict
    assert raised.value.error_dict[field][0].messages[0]
    assert not SafetyPlan.objects.exists()
    assert events("clients.safety_plan_created") == []


def test_it_translates_its_messages(personas, case):
    with translation.override("fr"), pytest.raises(ValidationError) as raised:
        a_plan(personas.caseworker_a, case, review_date="31/02/2030")
    assert raised.value.error_dict["review_date"][0].messages == ["Saisissez une date valide."]


def test_it_reads_phone_digits_of_any_script(personas, case):
    plan = a_plan(
        personas.caseworker_a,
        case,
        trusted_contacts=[{"name": "ليلى", "phone": "+٢٣٥ ٦٦ ٠٠ ١١ ٢٢", "relationship": "أخت"}],
    )
    plan.refresh_from_db()
    assert plan.trusted_contacts[0]["phone"] == "+235 66 00 11 22"


def test_it_drops_empty_contact_rows(personas, case):
    empty = {"name": "", "phone": "", "relationship": ""}
    plan = a_plan(personas.caseworker_a, case, trusted_contacts=[empty, plan_values()["trusted_contacts"][0], empty])
    plan.refresh_from_db()
    assert [contact["name"] for contact in plan.trusted_contacts] == ["Sister Leila"]


def test_it_refuses_roles_that_may_not_see_personal_data(personas, case):
    with pytest.raises(PermissionDenied):
        a_plan(personas.admin_a, case)


def test_it_refuses_another_organization(personas, case):
    with pytest.raises(Http404):
        a_plan(personas.caseworker_b, case)


def test_it_refuses_an_organization_the_client_did_not_share_risk_with(personas, case):
    referred = referral_case(
        case, personas.org_b, categories=EVERY_CATEGORY_BUT_RISK, recorded_by=member(personas.caseworker_a)
    )
    with pytest.raises(PermissionDenied):
        a_plan(personas.caseworker_b, referred)
    assert not SafetyPlan.objects.exists()


def test_only_those_who_may_see_identity_change_trusted_contacts(personas, case):
    Case.objects.filter(pk=case.pk).update(sensitivity=Case.Sensitivity.SENSITIVE, caseworker=None)
    case.refresh_from_db()
    from caseway.orgs.permissions import Role
    from caseway.tests.personas import make_member

    colleague = make_member(personas.org_a, Role.CASEWORKER, "colleague.a@example.org")
    a_plan(personas.supervisor_a, case)

    with pytest.raises(PermissionDenied):
        a_plan(colleague, case, trusted_contacts=[])
    values = plan_values(code_word="new word")
    del values["trusted_contacts"]
    plan = safety.safety_plan_save(actor=colleague, membership=member(colleague), case=case, values=values)
    plan.refresh_from_db()
    assert plan.code_word == "new word"
    assert plan.trusted_contacts[0]["name"] == "Sister Leila"


def test_a_referral_organization_with_risk_consent_keeps_its_own_plan(personas, case):
    referred = referral_case(
        case, personas.org_b, categories=[DataCategory.RISK], recorded_by=member(personas.caseworker_a)
    )
    values = plan_values()
    del values["trusted_contacts"]  # identity not shared with org B
    plan = safety.safety_plan_save(
        actor=personas.caseworker_b, membership=member(personas.caseworker_b), case=referred, values=values
    )
    assert plan.case_id == referred.pk
    assert not SafetyPlan.objects.filter(case=case).exists()


def test_a_save_with_a_later_review_date_resolves_the_review_task(personas, case):
    a_plan(personas.caseworker_a, case)
    alert = CaseAlert.objects.create(
        case=case, kind=CaseAlert.Kind.SAFETY_PLAN_REVIEW, audience=CaseAlert.Audience.CASEWORKER, is_task=True
    )
    save(personas.caseworker_a, case, review_date=timezone.localdate() + datetime.timedelta(days=60))
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    assert safety.ALERT_REVIEW_DONE in events("clients.safety_plan_updated")[0].fields
