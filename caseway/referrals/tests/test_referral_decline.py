"""referral_decline: a coded reason, a note when "other", maybe another service; the note encrypted."""

import pytest
from django.core.exceptions import ValidationError

from caseway.directory.models import Service
from caseway.directory.tests.factories import ServiceFactory
from caseway.referrals import services
from caseway.referrals.models import DeclineReason, Referral, ReferralEvent, Status
from caseway.referrals.tests.helpers import a_referral, member

pytestmark = pytest.mark.django_db


def decline(personas, referral, **values):
    user = personas.caseworker_b
    return services.referral_decline(actor=user, membership=member(user), referral=referral, **values)


@pytest.mark.parametrize("reason", [r for r in DeclineReason.values if r != DeclineReason.OTHER])
def test_it_declines_with_a_coded_reason(personas, reason):
    referral = a_referral(personas, Status.VIEWED)

    declined = decline(personas, referral, reason=reason)

    assert (declined.status, declined.decline_reason) == (Status.DECLINED, reason)
    assert declined.answered_at is not None
    assert declined.closed_at is not None
    assert ReferralEvent.objects.get(referral=referral, to_status=Status.DECLINED).code == reason


def test_it_needs_a_note_with_another_reason(personas):
    referral = a_referral(personas, Status.SENT)

    with pytest.raises(ValidationError) as refused:
        decline(personas, referral, reason=DeclineReason.OTHER)

    assert "note" in refused.value.message_dict
    declined = decline(personas, referral, reason=DeclineReason.OTHER, note="We only serve the capital.")
    assert Referral.objects.get(pk=declined.pk).decline_note == "We only serve the capital."
    raw = Referral.objects.filter(pk=declined.pk).values_list("decline_note", flat=True).get()
    assert "capital" not in repr(raw)


def test_it_refuses_an_unknown_reason(personas):
    with pytest.raises(ValidationError) as refused:
        decline(personas, a_referral(personas, Status.SENT), reason="busy")

    assert "reason" in refused.value.message_dict


def test_it_suggests_another_active_service(personas):
    alternative = ServiceFactory(organization=personas.org_other)

    declined = decline(
        personas, a_referral(personas, Status.SENT), reason=DeclineReason.NO_CAPACITY, alternative_service=alternative
    )

    assert declined.alternative_service == alternative


def test_it_refuses_to_suggest_an_inactive_service_or_the_same_one(personas):
    inactive = ServiceFactory(organization=personas.org_other, status=Service.Status.DEFUNCT)
    same = ServiceFactory(organization=personas.org_b)
    referral = a_referral(personas, Status.SENT, to_service=same)

    for alternative in (inactive, same):
        with pytest.raises(ValidationError) as refused:
            decline(personas, referral, reason=DeclineReason.NO_CAPACITY, alternative_service=alternative)
        assert "alternative_service" in refused.value.message_dict
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT
