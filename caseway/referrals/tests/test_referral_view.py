"""referral_view: the receiver's first opening marks a sent referral seen, once."""

import pytest

from caseway.referrals import services
from caseway.referrals.models import ReferralEvent, Status
from caseway.referrals.tests.helpers import a_referral, member

pytestmark = pytest.mark.django_db


def view(user, referral):
    return services.referral_view(actor=user, membership=member(user), referral=referral)


def test_it_marks_a_sent_referral_seen_when_the_receiver_opens_it(personas):
    referral = a_referral(personas, Status.SENT)

    seen = view(personas.caseworker_b, referral)

    assert seen.status == Status.VIEWED
    event = ReferralEvent.objects.get(referral=referral, to_status=Status.VIEWED)
    assert (event.actor, event.organization) == (personas.caseworker_b, personas.org_b)


def test_it_marks_it_seen_only_once(personas):
    referral = a_referral(personas, Status.SENT)

    view(personas.caseworker_b, view(personas.caseworker_b, referral))
    view(personas.supervisor_b, referral)

    assert ReferralEvent.objects.filter(referral=referral, to_status=Status.VIEWED).count() == 1


def test_it_changes_nothing_when_the_sender_opens_it(personas):
    referral = a_referral(personas, Status.SENT)

    assert view(personas.caseworker_a, referral).status == Status.SENT
    assert not ReferralEvent.objects.filter(referral=referral, to_status=Status.VIEWED).exists()


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.DECLINED, Status.REVOKED])
def test_it_changes_nothing_after_the_answer(personas, status):
    referral = a_referral(personas, status)

    assert view(personas.caseworker_b, referral).status == status
