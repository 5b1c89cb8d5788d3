"""referral_complete, start_service, close_unsuccessful and withdraw: the receiver's work, the
sender's withdrawal, and the feedback loop (the outcome goes back; the note only with consent)."""

import pytest
from django.core.exceptions import ValidationError

from caseway.audit.models import AuditEvent
from caseway.referrals import services
from caseway.referrals.models import Outcome, Referral, ReferralEvent, Status, UnsuccessfulReason
from caseway.referrals.tests.helpers import a_referral, member

pytestmark = pytest.mark.django_db


def call(service, user, referral, **values):
    return service(actor=user, membership=member(user), referral=referral, **values)


def test_it_marks_the_service_started(personas):
    referral = call(services.referral_start_service, personas.caseworker_b, a_referral(personas, Status.ACCEPTED))

    assert referral.status == Status.IN_SERVICE
    assert AuditEvent.objects.filter(action="referrals.referral_in_service").exists()


def test_it_completes_with_an_outcome_and_a_note_kept_encrypted(personas):
    referral = a_referral(personas, Status.IN_SERVICE)

    done = call(
        services.referral_complete,
        personas.supervisor_b,
        referral,
        outcome=Outcome.PARTLY_PROVIDED,
        outcome_note="Two of four sessions; she moved.",
    )

    stored = Referral.objects.get(pk=done.pk)
    assert (stored.status, stored.outcome, stored.outcome_note) == (
        Status.COMPLETED,
        Outcome.PARTLY_PROVIDED,
        "Two of four sessions; she moved.",
    )
    assert stored.closed_at is not None
    assert "sessions" not in repr(Referral.objects.filter(pk=done.pk).values_list("outcome_note", flat=True).get())
    assert ReferralEvent.objects.get(referral=referral, to_status=Status.COMPLETED).code == Outcome.PARTLY_PROVIDED


def test_it_needs_an_outcome(personas):
    referral = a_referral(personas, Status.IN_SERVICE)

    with pytest.raises(ValidationError) as refused:
        call(services.referral_complete, personas.caseworker_b, referral, outcome="")

    assert "outcome" in refused.value.message_dict
    assert Referral.objects.get(pk=referral.pk).status == Status.IN_SERVICE


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.IN_SERVICE])
def test_it_closes_without_success_with_a_coded_reason(personas, status):
    referral = a_referral(personas, status)

    closed = call(
        services.referral_close_unsuccessful, personas.caseworker_b, referral, reason=UnsuccessfulReason.CLIENT_MOVED
    )

    assert (closed.status, closed.unsuccessful_reason) == (Status.CLOSED_UNSUCCESSFUL, UnsuccessfulReason.CLIENT_MOVED)


def test_it_needs_a_known_reason_to_close(personas):
    with pytest.raises(ValidationError):
        call(
            services.referral_close_unsuccessful,
            personas.caseworker_b,
            a_referral(personas, Status.ACCEPTED),
            reason="",
        )


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SENT, Status.VIEWED, Status.ACCEPTED])
def test_it_lets_the_sender_withdraw_an_open_referral(personas, status):
    referral = a_referral(personas, status)

    withdrawn = call(services.referral_withdraw, personas.supervisor_a, referral)

    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.closed_at is not None
    event = ReferralEvent.objects.get(referral=referral, to_status=Status.WITHDRAWN)
    assert (event.actor, event.organization) == (personas.supervisor_a, personas.org_a)
