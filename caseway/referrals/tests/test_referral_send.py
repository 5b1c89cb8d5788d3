"""referral_send: the consent x agreement gate, the supervisor's override, the encrypted package."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.clients.models import ConsentPurpose, DataCategory, Need
from caseway.clients.tests.factories import give_consent
from caseway.orgs.categories import SharingPurpose
from caseway.orgs.models import DataSharingAgreement
from caseway.referrals import services
from caseway.referrals.models import Referral, ReferralEvent, ResponseDeadline, Status, Urgency
from caseway.referrals.tests.helpers import (
    IDENTITY_AND_NEEDS,
    a_draft,
    a_referral,
    a_sender_case,
    an_agreement,
    member,
    ready_to_send,
)
from caseway.referrals.transitions import InvalidTransition

pytestmark = pytest.mark.django_db

OVERRIDE_REASON = "The client is in hospital and cannot be asked; the clinic must see her today."
YESTERDAY = datetime.timedelta(days=1)


def agree(case, personas, purpose=ConsentPurpose.REFERRAL, **values):
    values.setdefault("recipient", personas.org_b)
    return give_consent(case.client, purpose, recorded_by=member(personas.caseworker_a), **values)


def send(user, referral, **kwargs):
    return services.referral_send(actor=user, membership=member(user), referral=referral, **kwargs)


# ---------------------------------------------------------------------------------------------
# The matrix: every missing piece blocks


def _referral_consent(kind, case, personas):
    recorder = member(personas.caseworker_a)
    if kind == "yes":
        give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=recorder, recipient=personas.org_b)
    elif kind == "refused":
        give_consent(
            case.client, ConsentPurpose.REFERRAL, recorded_by=recorder, recipient=personas.org_b, granted=False
        )
    elif kind == "revoked":
        give_consent(
            case.client,
            ConsentPurpose.REFERRAL,
            recorded_by=recorder,
            recipient=personas.org_b,
            revoked_at=timezone.now(),
        )
    elif kind == "other_organization":
        give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=recorder, recipient=personas.org_other)


def _sharing_consent(kind, case, personas):
    recorder = member(personas.caseworker_a)
    values = {"recorded_by": recorder, "recipient": personas.org_b, "categories": IDENTITY_AND_NEEDS}
    if kind == "yes":
        give_consent(case.client, ConsentPurpose.SHARING, **values)
    elif kind == "only_needs":
        give_consent(case.client, ConsentPurpose.SHARING, **{**values, "categories": [DataCategory.NEEDS]})
    elif kind == "refused":
        give_consent(case.client, ConsentPurpose.SHARING, **{**values, "categories": []}, granted=False)
    elif kind == "revoked":
        give_consent(case.client, ConsentPurpose.SHARING, **values, revoked_at=timezone.now())
    elif kind == "expired":
        answer = give_consent(case.client, ConsentPurpose.SHARING, **values, expires_at=timezone.now() + YESTERDAY)
        answer.expires_at = timezone.now() - datetime.timedelta(minutes=1)
        answer.save(update_fields=["expires_at"])
    elif kind == "other_organization":
        give_consent(case.client, ConsentPurpose.SHARING, **{**values, "recipient": personas.org_other})


def _agreement(kind, personas):
    a, b = personas.org_a, personas.org_b
    today = timezone.localdate()
    if kind == "covers":
        an_agreement(a, b)
    elif kind == "covers_other_way":
        an_agreement(b, a)
    elif kind == "without_identity":
        an_agreement(a, b, categories=[DataCategory.NEEDS, DataCategory.CONTACT])
    elif kind == "other_purpose":
        an_agreement(a, b, purposes=[SharingPurpose.CASE_COORDINATION])
    elif kind == "proposed":
        an_agreement(a, b, status=DataSharingAgreement.Status.PROPOSED)
    elif kind == "declined":
        an_agreement(a, b, status=DataSharingAgreement.Status.DECLINED)
    elif kind == "ended":
        an_agreement(a, b, status=DataSharingAgreement.Status.ENDED)
    elif kind == "expired":
        an_agreement(a, b, valid_from=today - 10 * YESTERDAY, valid_to=today - YESTERDAY)
    elif kind == "not_yet":
        an_agreement(a, b, valid_from=today + YESTERDAY)
    elif kind == "other_organizations":
        an_agreement(a, personas.org_other)


MATRIX = [
    # referral consent, sharing consent, agreement → the errors (empty: sent)
    ("yes", "yes", "covers", set()),
    ("yes", "yes", "covers_other_way", set()),
    ("missing", "yes", "covers", {"consent"}),
    ("refused", "yes", "covers", {"consent"}),
    ("revoked", "yes", "covers", {"consent"}),
    ("other_organization", "yes", "covers", {"consent"}),
    ("yes", "missing", "covers", {"consent"}),
    ("yes", "only_needs", "covers", {"consent"}),
    ("yes", "refused", "covers", {"consent"}),
    ("yes", "revoked", "covers", {"consent"}),
    ("yes", "expired", "covers", {"consent"}),
    ("yes", "other_organization", "covers", {"consent"}),
    ("yes", "yes", "none", {"agreement"}),
    ("yes", "yes", "without_identity", {"agreement"}),
    ("yes", "yes", "other_purpose", {"agreement"}),
    ("yes", "yes", "proposed", {"agreement"}),
    ("yes", "yes", "declined", {"agreement"}),
    ("yes", "yes", "ended", {"agreement"}),
    ("yes", "yes", "expired", {"agreement"}),
    ("yes", "yes", "not_yet", {"agreement"}),
    ("yes", "yes", "other_organizations", {"agreement"}),
    ("missing", "missing", "none", {"consent", "agreement"}),
]


@pytest.mark.parametrize(("referral_consent", "sharing", "agreement", "errors"), MATRIX)
def test_it_sends_only_when_both_consent_and_an_agreement_allow(personas, referral_consent, sharing, agreement, errors):
    case = a_sender_case(personas)
    _referral_consent(referral_consent, case, personas)
    _sharing_consent(sharing, case, personas)
    _agreement(agreement, personas)
    referral = a_draft(personas, case=case, categories=IDENTITY_AND_NEEDS)

    if not errors:
        assert send(personas.caseworker_a, referral).status == Status.SENT
        return
    with pytest.raises(ValidationError) as refused:
        send(personas.caseworker_a, referral)

    assert set(refused.value.message_dict) == errors
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT
    assert referral.package is None
    assert not ReferralEvent.objects.filter(referral=referral, to_status=Status.SENT).exists()


def test_it_names_the_receiver_and_each_category_missing(personas):
    case = a_sender_case(personas)
    an_agreement(personas.org_a, personas.org_b, categories=[DataCategory.NEEDS, DataCategory.IDENTITY])
    give_consent(
        case.client, ConsentPurpose.REFERRAL, recorded_by=member(personas.caseworker_a), recipient=personas.org_b
    )
    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.NEEDS, DataCategory.RISK],
    )
    referral = a_draft(personas, case=case, categories=[DataCategory.NEEDS, DataCategory.IDENTITY, DataCategory.RISK])

    with pytest.raises(ValidationError) as refused:
        send(personas.caseworker_a, referral)

    messages = refused.value.message_dict
    assert messages["agreement"] == [
        "The data-sharing agreement with Beta Legal Aid does not cover: Risk and safety. Leave this information "
        "out, or ask your agency admin to extend the agreement."
    ]
    assert messages["consent"] == [
        "The client has not agreed to share this information with Beta Legal Aid: Identity. Record their "
        "consent, or leave it out."
    ]


def test_it_sends_a_referral_without_categories_with_consent_and_an_agreement(personas):
    referral = ready_to_send(personas, categories=())

    sent = send(personas.caseworker_a, referral)

    assert sent.status == Status.SENT
    assert sent.package["sections"] == {}
    assert sent.package["client"]["code"] == referral.client.code


def test_it_needs_an_agreement_even_without_categories(personas):
    case = a_sender_case(personas)
    give_consent(
        case.client, ConsentPurpose.REFERRAL, recorded_by=member(personas.caseworker_a), recipient=personas.org_b
    )
    referral = a_draft(personas, case=case, categories=())

    with pytest.raises(ValidationError) as refused:
        send(personas.caseworker_a, referral)

    assert set(refused.value.message_dict) == {"agreement"}


# ---------------------------------------------------------------------------------------------
# Override: a supervisor, a reason, audited; never an agreement, never a "no"


def _without_consent(personas, *, agreement=True, categories=IDENTITY_AND_NEEDS):
    case = a_sender_case(personas)
    if agreement:
        an_agreement(personas.org_a, personas.org_b)
    return a_draft(personas, case=case, categories=categories)


def test_it_lets_a_supervisor_override_missing_consent_with_a_reason(personas):
    referral = _without_consent(personas)

    sent = send(personas.supervisor_a, referral, override_reason=OVERRIDE_REASON)

    assert sent.status == Status.SENT
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.consent_override_reason == OVERRIDE_REASON
    assert stored.consent_overridden_by == personas.supervisor_a
    assert stored.package["override"] == {"referral": True, "categories": sorted(IDENTITY_AND_NEEDS)}
    assert ReferralEvent.objects.get(referral=referral, to_status=Status.SENT).code == "consent_override"


def test_it_audits_an_override_by_question_never_the_reason(personas):
    referral = _without_consent(personas)

    send(personas.supervisor_a, referral, override_reason=OVERRIDE_REASON)

    event = AuditEvent.objects.get(action="referrals.consent_overridden")
    assert event.actor_id == personas.supervisor_a.pk
    assert event.target_id == str(referral.pk)
    assert event.fields == [
        "consent.referral",
        "consent.sharing.identity",
        "consent.sharing.needs",
        "consent_override_reason",
    ]
    assert OVERRIDE_REASON not in event.canonical_content().decode()


def test_it_keeps_the_override_reason_encrypted(personas):
    referral = _without_consent(personas)
    send(personas.supervisor_a, referral, override_reason=OVERRIDE_REASON)

    with connection.cursor() as cursor:
        cursor.execute("SELECT consent_override_reason FROM referrals_referral WHERE id = %s", [referral.pk.hex])
        row = cursor.fetchone()
        if row is None:  # PostgreSQL stores uuids natively
            cursor.execute("SELECT consent_override_reason FROM referrals_referral WHERE id = %s", [referral.pk])
            row = cursor.fetchone()

    assert row[0]
    assert "hospital" not in str(row[0])


def test_it_overrides_only_the_missing_consent(personas):
    case = a_sender_case(personas)
    an_agreement(personas.org_a, personas.org_b)
    give_consent(
        case.client, ConsentPurpose.REFERRAL, recorded_by=member(personas.caseworker_a), recipient=personas.org_b
    )
    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.NEEDS],
    )
    referral = a_draft(personas, case=case)

    sent = send(personas.supervisor_a, referral, override_reason=OVERRIDE_REASON)

    assert sent.package["override"] == {"referral": False, "categories": [DataCategory.IDENTITY]}
    assert AuditEvent.objects.get(action="referrals.consent_overridden").fields == [
        "consent.sharing.identity",
        "consent_override_reason",
    ]


def test_it_never_overrides_a_missing_agreement(personas):
    referral = _without_consent(personas, agreement=False)

    with pytest.raises(ValidationError) as refused:
        send(personas.supervisor_a, referral, override_reason=OVERRIDE_REASON)

    assert "agreement" in refused.value.message_dict
    assert "no one can override this" in refused.value.message_dict["agreement"][0]
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT
    assert not AuditEvent.objects.filter(action="referrals.consent_overridden").exists()


@pytest.mark.parametrize("purpose", [ConsentPurpose.REFERRAL, ConsentPurpose.SHARING])
def test_it_never_overrides_what_the_client_refused(personas, purpose):
    case = a_sender_case(personas)
    an_agreement(personas.org_a, personas.org_b)
    agree(case, personas, purpose, granted=False)
    referral = a_draft(personas, case=case)

    with pytest.raises(ValidationError) as refused:
        send(personas.supervisor_a, referral, override_reason=OVERRIDE_REASON)

    assert "What the client said no to cannot be overridden." in refused.value.message_dict["consent"]
    assert Referral.objects.get(pk=referral.pk).status == Status.DRAFT


@pytest.mark.parametrize("role", ["caseworker_a", "legal_officer_a"])
def test_it_refuses_an_override_by_anyone_but_a_supervisor(personas, role):
    referral = _without_consent(personas)

    with pytest.raises(ValidationError) as refused:
        send(getattr(personas, role), referral, override_reason=OVERRIDE_REASON)

    assert refused.value.message_dict["override_reason"] == [
        "Only a supervisor may send a referral without the client's consent."
    ]
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.consent_override_reason) == (Status.DRAFT, None)


def test_it_asks_a_supervisor_for_the_reason(personas):
    referral = _without_consent(personas)

    with pytest.raises(ValidationError) as refused:
        send(personas.supervisor_a, referral)

    assert "As a supervisor you may send it anyway: give the reason." in refused.value.message_dict["consent"]


def test_it_refuses_a_reason_too_short_to_explain(personas):
    referral = _without_consent(personas)

    with pytest.raises(ValidationError) as refused:
        send(personas.supervisor_a, referral, override_reason="urgent")

    assert "override_reason" in refused.value.message_dict


def test_it_records_no_override_when_consent_is_there(personas):
    referral = ready_to_send(personas)

    sent = send(personas.supervisor_a, referral, override_reason=OVERRIDE_REASON)

    assert sent.consent_override_reason is None
    assert sent.consent_overridden_by is None
    assert sent.package["override"] == {"referral": False, "categories": []}
    assert not AuditEvent.objects.filter(action="referrals.consent_overridden").exists()


# ---------------------------------------------------------------------------------------------
# The package, the deadline, the event


def test_it_snapshots_only_the_categories_sent_under_the_clients_key(personas):
    case = a_sender_case(personas, nationality="Aldorian")
    Need.objects.create(case=case, domain=Need.Domain.LEGAL, priority=Need.Priority.HIGH)
    referral = ready_to_send(personas, case=case, categories=[DataCategory.NEEDS])

    sent = send(personas.caseworker_a, referral)

    assert sent.data_key_id == case.client.data_key_id
    assert set(sent.package["sections"]) == {DataCategory.NEEDS}
    assert sent.package["sections"]["needs"]["needs"] == [{"domain": "legal", "priority": "high"}]
    assert "Amina" not in str(sent.package)
    assert sent.package["client"]["sex"] == case.client.sex


def test_it_puts_identity_and_contact_in_the_package_when_shared(personas):
    referral = ready_to_send(personas, categories=[DataCategory.IDENTITY, DataCategory.CONTACT])

    sections = send(personas.caseworker_a, referral).package["sections"]

    assert sections["identity"]["given_name"] == "Amina"
    assert sections["contact"]["phone"] == "+999 700 100 200"


def test_it_keeps_the_package_encrypted_at_rest(personas):
    referral = ready_to_send(personas)
    send(personas.caseworker_a, referral)

    raw = Referral.objects.filter(pk=referral.pk).values_list("package", flat=True).get()

    assert "Amina" not in str(raw)
    assert "Amina" not in repr(raw)


@pytest.mark.parametrize(("urgency", "hours"), [(Urgency.EMERGENCY, 2), (Urgency.HIGH, 24), (Urgency.NORMAL, 72)])
def test_it_sets_the_answer_deadline_from_the_default_hours(personas, urgency, hours):
    referral = ready_to_send(personas, urgency=urgency)

    sent = send(personas.caseworker_a, referral)

    assert sent.due_at - sent.sent_at == datetime.timedelta(hours=hours)


def test_it_sets_the_answer_deadline_from_the_networks_setting(personas):
    ResponseDeadline.objects.create(urgency=Urgency.EMERGENCY, hours=1)
    referral = ready_to_send(personas, urgency=Urgency.EMERGENCY)

    sent = send(personas.caseworker_a, referral)

    assert sent.due_at - sent.sent_at == datetime.timedelta(hours=1)


def test_it_records_the_transition_and_audits_it(personas):
    referral = ready_to_send(personas)

    send(personas.caseworker_a, referral)

    event = ReferralEvent.objects.get(referral=referral, to_status=Status.SENT)
    assert (event.from_status, event.actor, event.organization) == (
        Status.DRAFT,
        personas.caseworker_a,
        personas.org_a,
    )
    audited = AuditEvent.objects.get(action="referrals.referral_sent")
    assert set(audited.fields) >= {"status", "package", "sent_at", "due_at"}


# ---------------------------------------------------------------------------------------------
# Who may send


def test_it_lets_only_the_sender_send(personas):
    referral = ready_to_send(personas)

    with pytest.raises(Http404):
        send(personas.caseworker_b, referral)  # a draft is not the receiver's to see


def test_it_refuses_to_send_twice(personas):
    referral = a_referral(personas, Status.SENT)

    with pytest.raises(InvalidTransition):
        send(personas.caseworker_a, referral)


@pytest.mark.parametrize("role", ["admin_a", "monitor_a", "coordinator", "donor"])
def test_it_refuses_roles_without_personal_data(personas, role):
    referral = ready_to_send(personas)

    with pytest.raises(PermissionDenied):
        send(getattr(personas, role), referral)


def test_it_hides_the_referral_from_another_organization(personas):
    referral = ready_to_send(personas)

    with pytest.raises(Http404):
        send(personas.outsider, referral)
