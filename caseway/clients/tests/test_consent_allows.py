"""consent.allows: the single question every app asks. The newest answer decides; fail closed."""

import datetime

import pytest
from django.utils import timezone

from caseway.clients import consent
from caseway.clients.models import Consent, ConsentPurpose, DataCategory
from caseway.clients.tests.factories import a_case, give_consent

pytestmark = pytest.mark.django_db

SHARING = ConsentPurpose.SHARING
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def member_a(personas):
    return personas.caseworker_a.memberships.get()


@pytest.fixture
def case(member_a):
    return a_case(member_a)


def test_it_says_no_without_any_consent(case, personas):
    assert not consent.allows(case.client, ConsentPurpose.REFERRAL, personas.org_b)
    assert not consent.allows(case.client, ConsentPurpose.STATISTICS)
    assert not consent.allows(case.client, SHARING, personas.org_b, DataCategory.NEEDS)


def test_it_says_yes_to_a_grant_for_that_organization_only(case, member_a, personas):
    give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=member_a, recipient=personas.org_b)

    assert consent.allows(case.client, ConsentPurpose.REFERRAL, personas.org_b)
    assert not consent.allows(case.client, ConsentPurpose.REFERRAL, personas.org_other)
    assert not consent.allows(case.client, ConsentPurpose.REFERRAL, None)


def test_it_says_no_when_a_refusal_follows_a_grant(case, member_a):
    earlier = timezone.now() - HOUR
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a, recorded_at=earlier)
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a, granted=False)

    assert not consent.allows(case.client, ConsentPurpose.STATISTICS)
    assert consent.allows(case.client, ConsentPurpose.STATISTICS, at=earlier + datetime.timedelta(minutes=1))


def test_it_stops_at_once_when_revoked_and_no_older_grant_comes_back(case, member_a, personas):
    give_consent(
        case.client,
        ConsentPurpose.REFERRAL,
        recorded_by=member_a,
        recipient=personas.org_b,
        recorded_at=timezone.now() - HOUR,
    )
    newer = give_consent(case.client, ConsentPurpose.REFERRAL, recorded_by=member_a, recipient=personas.org_b)
    assert consent.allows(case.client, ConsentPurpose.REFERRAL, personas.org_b)

    consent.consent_revoke(actor=personas.caseworker_a, membership=member_a, consent=newer)

    assert not consent.allows(case.client, ConsentPurpose.REFERRAL, personas.org_b)


def test_it_still_knows_a_grant_stood_before_its_revocation(case, member_a):
    answer = give_consent(
        case.client, ConsentPurpose.STATISTICS, recorded_by=member_a, recorded_at=timezone.now() - HOUR
    )
    Consent.objects.filter(pk=answer.pk).update(revoked_at=timezone.now() - HOUR / 2)

    assert consent.allows(case.client, ConsentPurpose.STATISTICS, at=timezone.now() - HOUR * 3 / 4)
    assert not consent.allows(case.client, ConsentPurpose.STATISTICS)


def test_it_counts_an_expired_consent_as_none(case, member_a):
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a, expires_at=timezone.now() - HOUR)

    assert not consent.allows(case.client, ConsentPurpose.STATISTICS)


def test_it_does_not_fall_back_to_an_older_grant_when_the_newest_expired(case, member_a):
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a, recorded_at=timezone.now() - HOUR * 2)
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a, expires_at=timezone.now() - HOUR)

    assert not consent.allows(case.client, ConsentPurpose.STATISTICS)


def test_it_decides_sharing_per_category(case, member_a, personas):
    give_consent(
        case.client,
        SHARING,
        recorded_by=member_a,
        recipient=personas.org_b,
        categories=[DataCategory.NEEDS, DataCategory.CONTACT],
        recorded_at=timezone.now() - HOUR,
    )
    give_consent(
        case.client,
        SHARING,
        recorded_by=member_a,
        recipient=personas.org_b,
        categories=[DataCategory.CONTACT],
        granted=False,
    )

    assert consent.allows(case.client, SHARING, personas.org_b, DataCategory.NEEDS)
    assert not consent.allows(case.client, SHARING, personas.org_b, DataCategory.CONTACT)
    assert not consent.allows(case.client, SHARING, personas.org_b, DataCategory.HEALTH)
    assert consent.shared_categories(case.client, personas.org_b) == {DataCategory.NEEDS}


def test_a_refusal_naming_no_category_refuses_them_all(case, member_a, personas):
    give_consent(
        case.client,
        SHARING,
        recorded_by=member_a,
        recipient=personas.org_b,
        categories=[DataCategory.NEEDS],
        recorded_at=timezone.now() - HOUR,
    )
    give_consent(case.client, SHARING, recorded_by=member_a, recipient=personas.org_b, granted=False)

    assert consent.shared_categories(case.client, personas.org_b) == frozenset()


def test_it_insists_on_a_category_for_sharing(case, personas):
    with pytest.raises(ValueError, match="category"):
        consent.allows(case.client, SHARING, personas.org_b)


def test_statistics_and_contact_are_answered_once_for_the_network(case, member_a, personas):
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a)

    assert consent.allows(case.client, ConsentPurpose.STATISTICS)
    assert consent.allows(case.client, ConsentPurpose.STATISTICS, personas.org_b)


def test_it_ignores_answers_recorded_after_the_moment_asked(case, member_a):
    give_consent(case.client, ConsentPurpose.STATISTICS, recorded_by=member_a)

    assert not consent.allows(case.client, ConsentPurpose.STATISTICS, at=timezone.now() - HOUR)
