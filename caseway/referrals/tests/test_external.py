"""referrals.external: referrals to an organization outside the network, the printed form's
content and the secure one-time link (expiry with controlled time, PIN lockout, revocation,
consent revoked after the link was made, used up after an answer, only consented categories)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.clients import consent
from caseway.clients.models import Consent, ConsentPurpose, DataCategory, SafetyPlan
from caseway.clients.tests.factories import give_consent
from caseway.orgs.models import DataSharingAgreement
from caseway.orgs.permissions import Role
from caseway.referrals import escalation, external, services
from caseway.referrals.models import DeclineReason, ExternalLink, Referral, ReferralEvent, Status
from caseway.referrals.tests.external_helpers import (
    SHARED,
    a_link,
    an_outside_organization,
    an_outside_referral,
)
from caseway.referrals.tests.helpers import a_sender_case, an_agreement, consent_to_refer, member
from caseway.tests.personas import make_member

pytestmark = pytest.mark.django_db


def _open(token, pin, **kwargs):
    return external.open_link(token=token, pin=pin, **kwargs)


def _refused(token, pin, **kwargs):
    with pytest.raises(external.LinkUnavailable):
        external.open_link(token=token, pin=pin, **kwargs)


def _answer(token, pin, answer=external.ACCEPT, **kwargs):
    opened = _open(token, pin)
    return external.answer_link(token=token, grant=opened.grant, answer=answer, **kwargs)


def _audited(action, link=None):
    events = AuditEvent.objects.filter(action=action)
    if link is not None:
        events = events.filter(target_type="referrals.externallink", target_id=str(link.pk))
    return events


def _consent(referral, purpose):
    return Consent.objects.filter(client=referral.client, purpose=purpose, recipient=referral.to_organization).latest(
        "recorded_at"
    )


# ---------------------------------------------------------------------------------------------
# Outside the network, and the gate


def test_it_sends_a_referral_to_an_organization_outside_the_network_past_the_gate(personas):
    referral = an_outside_referral(personas)

    assert referral.status == Status.SENT
    assert referral.to_organization.name == "Zeta District Clinic"
    assert referral.external_recipient == "Zeta District Clinic"
    assert set(referral.package["sections"]) == set(SHARED)
    assert external.is_outside_network(referral.to_organization)
    assert not external.is_outside_network(personas.org_b)


def test_it_offers_only_organizations_outside_the_network_with_an_agreement_for_referrals(personas):
    outside = an_outside_organization()
    unsigned = an_outside_organization("Eta Shelter", "ETS")
    an_agreement(personas.org_a, outside)
    an_agreement(personas.org_a, personas.org_b)  # in the network: referred on Caseway

    offered = list(external.outside_organizations(member(personas.caseworker_a)))

    assert offered == [outside]
    assert unsigned not in offered


def test_it_refuses_a_referral_outside_the_network_to_an_organization_of_the_network(personas):
    case = a_sender_case(personas)
    an_agreement(personas.org_a, personas.org_b)

    with pytest.raises(ValidationError) as raised:
        external.external_referral_create(
            actor=personas.caseworker_a,
            membership=member(personas.caseworker_a),
            case=case,
            to_organization=personas.org_b,
            urgency="normal",
            reason="Needs help.",
            categories=[],
        )

    assert "to_organization" in raised.value.message_dict
    assert not Referral.objects.exists()


def test_it_does_not_send_outside_the_network_without_the_clients_consent(personas):
    outside = an_outside_organization()
    case = a_sender_case(personas)
    an_agreement(personas.org_a, outside)
    draft = external.external_referral_create(
        actor=personas.caseworker_a,
        membership=member(personas.caseworker_a),
        case=case,
        to_organization=outside,
        urgency="normal",
        reason="Needs help.",
        categories=[DataCategory.NEEDS],
    )

    with pytest.raises(ValidationError) as raised:
        services.referral_send(actor=personas.caseworker_a, membership=member(personas.caseworker_a), referral=draft)

    assert "consent" in raised.value.message_dict
    assert Referral.objects.get(pk=draft.pk).status == Status.DRAFT


def test_it_makes_no_link_for_a_referral_sent_without_the_clients_referral_consent(personas):
    outside = an_outside_organization()
    case = a_sender_case(personas)
    an_agreement(personas.org_a, outside)
    consent_to_refer(case, outside, [DataCategory.NEEDS], referral=False)
    supervisor = make_member(personas.org_a, Role.SUPERVISOR, "second.supervisor.a@example.org")
    draft = external.external_referral_create(
        actor=personas.caseworker_a,
        membership=member(personas.caseworker_a),
        case=case,
        to_organization=outside,
        urgency="emergency",
        reason="Needs urgent medical care.",
        categories=[DataCategory.NEEDS],
    )
    sent = services.referral_send(
        actor=supervisor,
        membership=member(supervisor),
        referral=draft,
        override_reason="The client is unconscious and needs care at once.",
    )
    assert sent.status == Status.SENT

    with pytest.raises(ValidationError):
        a_link(personas, sent)
    assert external.problems(sent, printing=True)
    assert not ExternalLink.objects.exists()


def test_an_overdue_referral_outside_the_network_tells_the_sender_at_once(personas):
    referral = an_outside_referral(personas)

    alert = escalation.escalate_one(referral.pk, now=referral.due_at + datetime.timedelta(minutes=1))

    assert alert.level == 2
    assert alert.organization_id == personas.org_a.pk


# ---------------------------------------------------------------------------------------------
# Making a link


def test_it_stores_only_hashes_of_the_token_and_the_pin(personas):
    link, token, pin = a_link(personas)

    assert len(token) >= 40
    assert pin.isdigit() and len(pin) >= 6
    stored = ExternalLink.objects.get(pk=link.pk)
    assert stored.token_hash == external.hash_token(token) != token
    assert stored.pin_hash.startswith("argon2") and pin not in stored.pin_hash
    event = _audited("referrals.external_link_created", link).get()
    assert event.fields == ["token_hash", "pin_hash", "expires_at"]
    assert token not in str(event.fields) and pin not in str(event.fields)


def test_it_gives_every_link_a_different_token_and_pin(personas):
    referral = an_outside_referral(personas)
    made = [a_link(personas, referral) for _ in range(3)]

    assert len({token for _link, token, _pin in made}) == 3
    assert len({link.pin_hash for link, _token, _pin in made}) == 3


def test_it_expires_after_seven_days_by_default(personas):
    referral = an_outside_referral(personas)
    now = timezone.now()
    link, _token, _pin = a_link(personas, referral, now=now)

    assert link.expires_at == now + datetime.timedelta(days=7)


@override_settings(EXTERNAL_LINK_DAYS=2)
def test_it_reads_the_expiry_from_the_settings(personas):
    referral = an_outside_referral(personas)
    now = timezone.now()
    link, _token, _pin = a_link(personas, referral, now=now)

    assert link.expires_at == now + datetime.timedelta(days=2)


def test_a_new_link_revokes_the_one_before(personas):
    referral = an_outside_referral(personas)
    first, first_token, first_pin = a_link(personas, referral)

    second, token, pin = a_link(personas, referral)

    assert ExternalLink.objects.get(pk=first.pk).revoked_at is not None
    _refused(first_token, first_pin)
    assert _open(token, pin).link == second


@pytest.mark.parametrize("status", [Status.DRAFT, Status.WITHDRAWN])
def test_it_makes_no_link_for_a_referral_not_waiting_for_an_answer(personas, status):
    referral = an_outside_referral(personas, status=Status.DRAFT if status == Status.DRAFT else Status.SENT)
    if status == Status.WITHDRAWN:
        referral = services.referral_withdraw(
            actor=personas.caseworker_a, membership=member(personas.caseworker_a), referral=referral
        )

    with pytest.raises(ValidationError):
        a_link(personas, referral)


def test_it_makes_no_link_for_a_referral_within_the_network(personas):
    from caseway.referrals.tests.helpers import a_referral

    referral = a_referral(personas, Status.SENT)

    with pytest.raises(Exception) as raised:
        a_link(personas, referral)
    assert raised.type.__name__ == "Http404"


def test_only_the_sender_makes_or_revokes_links(personas):
    referral = an_outside_referral(personas)
    link, _token, _pin = a_link(personas, referral)

    for user in (personas.caseworker_b, personas.outsider):
        with pytest.raises(Exception) as raised:
            external.external_link_create(actor=user, membership=member(user), referral=referral)
        assert raised.type.__name__ == "Http404"
        with pytest.raises(Exception) as raised:
            external.external_link_revoke(actor=user, membership=member(user), referral=referral, link_pk=link.pk)
        assert raised.type.__name__ == "Http404"
    assert ExternalLink.objects.get(pk=link.pk).revoked_at is None


# ---------------------------------------------------------------------------------------------
# Opening it


def test_the_right_pin_opens_the_consented_package_and_marks_the_referral_seen(personas):
    referral = an_outside_referral(personas)
    link, token, pin = a_link(personas, referral)

    opened = _open(token, f" {external.spaced(pin)} ")

    assert opened.referral == referral
    assert opened.categories == frozenset(SHARED)
    assert opened.part["client"]["code"] == referral.client.code
    assert opened.part["sections"]["identity"]["given_name"] == "Amina"
    assert Referral.objects.get(pk=referral.pk).status == Status.VIEWED
    event = ReferralEvent.objects.get(referral=referral, to_status=Status.VIEWED)
    assert (event.actor, event.code) == (None, external.EVENT_CODE)
    read = _audited("referrals.external_package_read", link).get()
    assert read.fields == ["reason", "package.client", "package.contact", "package.identity", "package.needs"]
    assert read.actor_label == external.ACTOR_LABEL
    assert read.organization_id == personas.org_a.pk


def test_the_package_shows_only_what_the_client_still_agrees_to_share(personas):
    referral = an_outside_referral(personas)
    _link, token, pin = a_link(personas, referral)
    give_consent(
        referral.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=referral.to_organization,
        categories=[DataCategory.IDENTITY, DataCategory.CONTACT],
        granted=False,
    )

    opened = _open(token, pin)

    assert opened.categories == {DataCategory.NEEDS}
    assert set(opened.part["sections"]) == {DataCategory.NEEDS}
    assert "Amina" not in str(opened.part)
    assert "+999" not in str(opened.part)


def test_the_package_shows_only_what_the_agreement_still_covers(personas):
    referral = an_outside_referral(personas)
    _link, token, pin = a_link(personas, referral)
    DataSharingAgreement.objects.update(categories=[DataCategory.NEEDS])

    assert _open(token, pin).categories == {DataCategory.NEEDS}


def test_the_package_never_holds_the_safety_plans_contents(personas):
    case = a_sender_case(personas)
    SafetyPlan.objects.create(
        case=case, data_key=case.client.data_key, code_word="heron", safe_places="her aunt's house"
    )
    referral = an_outside_referral(personas, case=case, categories=(DataCategory.RISK,))
    _link, token, pin = a_link(personas, referral)

    opened = _open(token, pin)

    assert opened.part["sections"]["risk"]["safety_plan_exists"] is True
    assert "heron" not in str(opened.part) and "aunt" not in str(opened.part)


def test_a_wrong_token_opens_nothing_and_is_audited(personas):
    _link, _token, pin = a_link(personas)

    _refused("n" * 43, pin)
    _refused("short", pin)

    assert _audited("referrals.external_link_unknown").count() == 2
    assert not _audited("referrals.external_package_read").exists()


# ---------------------------------------------------------------------------------------------
# Expiry (controlled time)


def test_it_opens_until_it_expires_and_never_after(personas):
    link, token, pin = a_link(personas)

    _open(token, pin, now=link.expires_at - datetime.timedelta(seconds=1))
    _refused(token, pin, now=link.expires_at)
    _refused(token, pin, now=link.expires_at + datetime.timedelta(days=30))

    refused = _audited("referrals.external_link_refused", link)
    assert refused.count() == 2
    assert all("state.expired" in event.fields for event in refused)


def test_an_expired_link_takes_no_answer(personas):
    link, token, pin = a_link(personas)
    opened = _open(token, pin)

    with pytest.raises(external.LinkUnavailable):
        external.answer_link(token=token, grant=opened.grant, answer=external.ACCEPT, now=link.expires_at)

    assert Referral.objects.get(pk=link.referral_id).status == Status.VIEWED


# ---------------------------------------------------------------------------------------------
# PIN lockout


def test_wrong_pins_lock_the_link_for_good_after_five(personas):
    link, token, pin = a_link(personas)
    wrong = "0" * 8 if pin != "0" * 8 else "1" * 8

    for _ in range(4):
        _refused(token, wrong)
    assert ExternalLink.objects.get(pk=link.pk).failed_attempts == 4
    assert ExternalLink.objects.get(pk=link.pk).locked_at is None
    _refused(token, wrong)

    locked = ExternalLink.objects.get(pk=link.pk)
    assert (locked.failed_attempts, locked.locked_at is not None) == (5, True)
    assert external.link_state(locked) == external.LOCKED
    _refused(token, pin)  # the right PIN no longer opens it
    assert ExternalLink.objects.get(pk=link.pk).failed_attempts == 5
    assert _audited("referrals.external_pin_failed", link).count() == 5
    assert _audited("referrals.external_pin_failed", link).first().fields == ["failed_attempts", "locked_at"]
    assert not _audited("referrals.external_package_read", link).exists()
    assert Referral.objects.get(pk=link.referral_id).status == Status.SENT


def test_the_right_pin_still_opens_after_fewer_wrong_ones(personas):
    _link, token, pin = a_link(personas)

    for wrong in ("", "123", "abcdefgh", "9" * 32):
        if wrong != pin:
            _refused(token, wrong)

    assert _open(token, pin).categories == frozenset(SHARED)


@override_settings(EXTERNAL_LINK_PIN_FAILURES=2)
def test_the_number_of_wrong_pins_comes_from_the_settings(personas):
    link, token, pin = a_link(personas)

    _refused(token, "x")
    _refused(token, "y")

    assert ExternalLink.objects.get(pk=link.pk).locked_at is not None
    _refused(token, pin)


# ---------------------------------------------------------------------------------------------
# Revoked: by the sender, by the client's consent, by the agreement


def test_a_link_revoked_by_the_sender_opens_nothing(personas):
    link, token, pin = a_link(personas)
    referral = link.referral

    external.external_link_revoke(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), referral=referral, link_pk=link.pk
    )

    _refused(token, pin)
    assert _audited("referrals.external_link_revoked", link).get().fields == ["revoked_at", "by_sender"]


def test_revoking_the_referral_consent_after_the_link_was_made_closes_it_at_once(personas):
    link, token, pin = a_link(personas)
    opened = _open(token, pin)

    consent.consent_revoke(
        actor=personas.caseworker_a,
        membership=member(personas.caseworker_a),
        consent=_consent(link.referral, ConsentPurpose.REFERRAL),
    )

    assert Referral.objects.get(pk=link.referral_id).status == Status.REVOKED
    _refused(token, pin)
    with pytest.raises(external.LinkUnavailable):
        external.answer_link(token=token, grant=opened.grant, answer=external.ACCEPT)
    assert external.link_state(ExternalLink.objects.get(pk=link.pk)) == external.CLOSED


def test_a_consent_expired_since_the_link_was_made_closes_it(personas):
    link, token, pin = a_link(personas)
    Consent.objects.filter(pk=_consent(link.referral, ConsentPurpose.REFERRAL).pk).update(
        expires_at=timezone.now() + datetime.timedelta(hours=1)
    )

    _open(token, pin)
    _refused(token, pin, now=timezone.now() + datetime.timedelta(hours=2))


def test_an_agreement_ended_since_the_link_was_made_closes_it(personas):
    _link, token, pin = a_link(personas)
    DataSharingAgreement.objects.update(status=DataSharingAgreement.Status.ENDED)

    _refused(token, pin)


def test_a_withdrawn_referral_closes_its_link(personas):
    link, token, pin = a_link(personas)

    services.referral_withdraw(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), referral=link.referral
    )

    _refused(token, pin)


# ---------------------------------------------------------------------------------------------
# The answer, then used up


def test_accepting_moves_the_referral_and_uses_the_link_up(personas):
    link, token, pin = a_link(personas)

    referral = _answer(token, pin)

    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.to_case_id, stored.answered_at is not None) == (Status.ACCEPTED, None, True)
    assert ExternalLink.objects.get(pk=link.pk).answered_at is not None
    assert ReferralEvent.objects.get(referral=referral, to_status=Status.ACCEPTED).code == external.EVENT_CODE
    assert _audited("referrals.external_link_answered", link).get().fields == ["answered_at", "referral.accepted"]
    assert AuditEvent.objects.filter(action="referrals.referral_accepted", target_id=str(referral.pk)).exists()
    _refused(token, pin)
    assert external.link_state(ExternalLink.objects.get(pk=link.pk)) == external.USED


def test_the_same_page_cannot_answer_twice(personas):
    _link, token, pin = a_link(personas)
    opened = _open(token, pin)
    external.answer_link(token=token, grant=opened.grant, answer=external.DECLINE, reason=DeclineReason.NO_CAPACITY)

    with pytest.raises(external.LinkUnavailable):
        external.answer_link(token=token, grant=opened.grant, answer=external.ACCEPT)

    assert Referral.objects.get(pk=opened.referral.pk).status == Status.DECLINED


def test_declining_needs_a_coded_reason_and_a_note_with_other(personas):
    link, token, pin = a_link(personas)
    opened = _open(token, pin)

    for reason, note in (("", ""), ("too_busy", ""), (DeclineReason.OTHER, "  ")):
        with pytest.raises(ValidationError):
            external.answer_link(token=token, grant=opened.grant, answer=external.DECLINE, reason=reason, note=note)
    assert ExternalLink.objects.get(pk=link.pk).answered_at is None

    external.answer_link(
        token=token,
        grant=opened.grant,
        answer=external.DECLINE,
        reason=DeclineReason.OTHER,
        note="We only see children under 12.",
    )
    declined = Referral.objects.get(pk=link.referral_id)
    assert (declined.status, declined.decline_reason) == (Status.DECLINED, DeclineReason.OTHER)
    assert declined.decline_note == "We only see children under 12."
    assert ReferralEvent.objects.get(referral=declined, to_status=Status.DECLINED).code == DeclineReason.OTHER


def test_an_answer_needs_the_grant_of_an_opened_page(personas):
    link, token, _pin = a_link(personas)
    _other_link, other_token, other_pin = a_link(personas, an_outside_referral(personas, outside=_second_outside()))
    foreign_grant = _open(other_token, other_pin).grant

    for grant in ("", "forged", foreign_grant):
        with pytest.raises(external.LinkUnavailable):
            external.answer_link(token=token, grant=grant, answer=external.ACCEPT)

    assert Referral.objects.get(pk=link.referral_id).status == Status.SENT
    assert _audited("referrals.external_answer_refused").count() == 3


def test_a_grant_too_old_needs_the_pin_again(personas):
    _link, token, pin = a_link(personas)
    opened_at = timezone.now()
    opened = _open(token, pin, now=opened_at)
    too_late = opened_at + datetime.timedelta(seconds=external.GRANT_MAX_AGE + 1)

    with pytest.raises(external.LinkUnavailable):
        external.answer_link(token=token, grant=opened.grant, answer=external.ACCEPT, now=too_late)

    in_time = opened_at + datetime.timedelta(seconds=external.GRANT_MAX_AGE - 1)
    referral = external.answer_link(token=token, grant=opened.grant, answer=external.ACCEPT, now=in_time)
    assert referral.status == Status.ACCEPTED


def _second_outside():
    return an_outside_organization("Theta Clinic", "THC")


# ---------------------------------------------------------------------------------------------
# The printed form


def test_the_form_carries_what_may_go_outside_cut_to_what_the_printer_may_see(personas):
    case = a_sender_case(personas)
    case.sensitivity = case.Sensitivity.SENSITIVE
    case.save(update_fields=["sensitivity"])
    referral = an_outside_referral(personas, case=case)
    colleague = make_member(personas.org_a, Role.CASEWORKER, "colleague.a@example.org")

    own = external.print_categories(member(personas.caseworker_a), referral)
    colleagues = external.print_categories(member(colleague), referral)

    assert own == frozenset(SHARED)
    assert colleagues == {DataCategory.NEEDS}  # a sensitive case's identity stays within its team


def test_printing_is_audited_with_the_categories_names(personas):
    referral = an_outside_referral(personas, categories=(DataCategory.NEEDS,))

    part = external.print_package(
        actor=personas.caseworker_a, membership=member(personas.caseworker_a), referral=referral
    )

    assert set(part["sections"]) == {DataCategory.NEEDS}
    event = AuditEvent.objects.filter(action="referrals.package_printed", target_id=str(referral.pk)).get()
    assert event.fields == ["reason", "package.client", "package.needs"]


def test_nothing_is_printed_once_the_client_revoked_the_referral_consent(personas):
    referral = an_outside_referral(personas)
    consent.consent_revoke(
        actor=personas.caseworker_a,
        membership=member(personas.caseworker_a),
        consent=_consent(referral, ConsentPurpose.REFERRAL),
    )
    referral.refresh_from_db()

    with pytest.raises(ValidationError):
        external.print_package(actor=personas.caseworker_a, membership=member(personas.caseworker_a), referral=referral)
    assert not AuditEvent.objects.filter(action="referrals.package_printed").exists()
