"""referrals.access: who sees which referral, and which part of its package, now."""

import pytest
from django.http import Http404
from django.utils import timezone

from caseway.clients.models import Case, Client, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import give_consent
from caseway.orgs.models import DataSharingAgreement, Membership
from caseway.referrals import access, services
from caseway.referrals.models import Status
from caseway.referrals.tests.helpers import a_draft, a_referral, a_sender_case, an_agreement, member

pytestmark = pytest.mark.django_db

EVERY_SHARED = (DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.NEEDS)
OVERRIDE_REASON = "The client is in hospital and cannot be asked; the clinic must see her today."


def visible(user):
    return set(access.visible_referrals(member(user)).values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------
# visible_referrals


def test_it_shows_a_sent_referral_to_both_parties(personas):
    referral = a_referral(personas, Status.SENT)

    for user in (personas.caseworker_a, personas.supervisor_a, personas.legal_officer_a, personas.caseworker_b):
        assert visible(user) == {referral.pk}, user.email


def test_it_keeps_a_draft_from_the_receiver(personas):
    draft = a_referral(personas, Status.DRAFT)

    assert visible(personas.caseworker_a) == {draft.pk}
    assert visible(personas.caseworker_b) == set()


@pytest.mark.parametrize("name", ["outsider", "admin_a", "admin_b", "monitor_a", "monitor_b", "coordinator", "donor"])
def test_it_shows_nothing_to_other_organizations_and_roles_without_personal_data(personas, name):
    a_referral(personas, Status.ACCEPTED)

    assert visible(getattr(personas, name)) == set()


def test_it_shows_nothing_to_a_deactivated_membership(personas):
    a_referral(personas, Status.SENT)
    membership = member(personas.caseworker_b)
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    membership.refresh_from_db()

    assert list(access.visible_referrals(membership)) == []
    assert list(access.visible_referrals(None)) == []


def test_it_hides_the_referrals_of_an_erased_client(personas):
    referral = a_referral(personas, Status.SENT)
    Client.objects.filter(pk=referral.client_id).update(erased_at=timezone.now())

    assert visible(personas.caseworker_a) == set()
    assert visible(personas.caseworker_b) == set()


@pytest.mark.parametrize("name", ["outsider", "admin_b", "caseworker_b"])
def test_it_answers_404_to_whoever_may_not_see_it(personas, name):
    draft = a_referral(personas, Status.DRAFT)

    with pytest.raises(Http404):
        access.get_referral_for_member(member(getattr(personas, name)), draft.pk)


def test_it_answers_404_for_a_malformed_or_missing_id(personas):
    for pk in ("not-a-uuid", "00000000-0000-0000-0000-000000000001", None):
        with pytest.raises(Http404):
            access.get_referral_for_member(member(personas.caseworker_a), pk)


# ---------------------------------------------------------------------------------------------
# package_categories


def test_it_shows_the_receiver_the_categories_consented_and_agreed(personas):
    referral = a_referral(personas, Status.SENT, categories=EVERY_SHARED)

    assert access.package_categories(member(personas.caseworker_b), referral) == set(EVERY_SHARED)
    assert access.package_categories(member(personas.caseworker_a), referral) == set(EVERY_SHARED)
    assert access.package_categories(member(personas.outsider), referral) == frozenset()
    assert access.package_categories(member(personas.admin_b), referral) == frozenset()


def test_it_hides_a_category_from_the_receiver_when_consent_is_withdrawn(personas):
    referral = a_referral(personas, Status.ACCEPTED, categories=EVERY_SHARED)
    give_consent(
        referral.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.CONTACT],
        granted=False,
    )

    assert access.package_categories(member(personas.caseworker_b), referral) == {
        DataCategory.IDENTITY,
        DataCategory.NEEDS,
    }
    assert access.package_categories(member(personas.caseworker_a), referral) == set(EVERY_SHARED)


def test_it_hides_the_package_from_the_receiver_once_the_agreement_ends(personas):
    referral = a_referral(personas, Status.ACCEPTED)
    DataSharingAgreement.objects.update(status=DataSharingAgreement.Status.ENDED)

    assert access.package_categories(member(personas.caseworker_b), referral) == frozenset()
    assert access.visible_package(member(personas.caseworker_b), referral)["sections"] == {}


@pytest.mark.parametrize("status", [Status.DECLINED, Status.WITHDRAWN, Status.REVOKED])
def test_it_shows_the_receiver_nothing_after_a_decline_a_withdrawal_or_a_revocation(personas, status):
    referral = a_referral(personas, status)

    assert access.package_categories(member(personas.caseworker_b), referral) == frozenset()
    assert access.visible_package(member(personas.caseworker_b), referral) is None


def test_it_shows_the_sender_only_what_it_may_see_on_its_case(personas):
    case = a_sender_case(personas, sensitive=True)
    referral = a_referral(personas, Status.SENT, case=case, categories=EVERY_SHARED)
    Case.objects.filter(pk=case.pk).update(caseworker=personas.legal_officer_a)  # reassigned since
    referral.from_case.refresh_from_db()

    assert access.package_categories(member(personas.caseworker_a), referral) == {DataCategory.NEEDS}
    assert access.package_categories(member(personas.supervisor_a), referral) == set(EVERY_SHARED)


def test_it_masks_who_a_sensitive_client_is_from_the_receivers_staff_outside_the_case(personas):
    case = a_sender_case(personas, sensitive=True)
    referral = a_referral(personas, Status.ACCEPTED, case=case, categories=EVERY_SHARED)  # accepted by caseworker_b

    assert access.package_categories(member(personas.caseworker_b), referral) == set(EVERY_SHARED)
    assert access.package_categories(member(personas.supervisor_b), referral) == set(EVERY_SHARED)
    assert access.package_categories(member(personas.legal_officer_b), referral) == {DataCategory.NEEDS}


def test_it_shows_overridden_categories_until_the_client_says_no(personas):
    case = a_sender_case(personas)
    an_agreement(personas.org_a, personas.org_b)
    draft = a_draft(personas, case=case, categories=EVERY_SHARED)
    referral = services.referral_send(
        actor=personas.supervisor_a,
        membership=member(personas.supervisor_a),
        referral=draft,
        override_reason=OVERRIDE_REASON,
    )
    receiver = member(personas.caseworker_b)
    assert access.package_categories(receiver, referral) == set(EVERY_SHARED)

    give_consent(
        case.client,
        ConsentPurpose.SHARING,
        recorded_by=member(personas.caseworker_a),
        recipient=personas.org_b,
        categories=[DataCategory.IDENTITY],
        granted=False,
    )

    assert access.package_categories(receiver, referral) == {DataCategory.CONTACT, DataCategory.NEEDS}


# ---------------------------------------------------------------------------------------------
# The outcome note (the feedback rule)


def test_it_shows_the_outcome_note_to_the_sender_only_while_the_client_shares_needs_with_it(personas):
    referral = a_referral(personas, Status.COMPLETED)
    sender, receiver = member(personas.caseworker_a), member(personas.caseworker_b)
    assert access.outcome_note_visible(receiver, referral)
    assert not access.outcome_note_visible(sender, referral)

    answer = give_consent(
        referral.client,
        ConsentPurpose.SHARING,
        recorded_by=receiver,
        recipient=personas.org_a,
        categories=[DataCategory.NEEDS],
    )
    assert access.outcome_note_visible(sender, referral)

    answer.revoked_at = timezone.now()
    answer.save(update_fields=["revoked_at"])
    assert not access.outcome_note_visible(sender, referral)
    assert not access.outcome_note_visible(member(personas.outsider), referral)
    assert not access.outcome_note_visible(member(personas.admin_a), referral)
