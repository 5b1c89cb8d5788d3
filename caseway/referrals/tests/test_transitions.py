"""Every transition the state machine does not allow is refused: by ``transitions.check``, and
through every service, from every status, for each side."""

import itertools

import pytest
from django.http import Http404

from caseway.referrals import services, transitions
from caseway.referrals.models import Referral, ReferralEvent, Status
from caseway.referrals.tests.helpers import a_referral, member
from caseway.referrals.transitions import RECEIVER, SENDER, SYSTEM, InvalidTransition

SIDES = (SENDER, RECEIVER, SYSTEM)
EXPECTED = {
    (Status.DRAFT, Status.SENT): SENDER,
    (Status.DRAFT, Status.WITHDRAWN): SENDER,
    (Status.SENT, Status.VIEWED): RECEIVER,
    (Status.SENT, Status.ACCEPTED): RECEIVER,
    (Status.SENT, Status.DECLINED): RECEIVER,
    (Status.VIEWED, Status.ACCEPTED): RECEIVER,
    (Status.VIEWED, Status.DECLINED): RECEIVER,
    (Status.ACCEPTED, Status.IN_SERVICE): RECEIVER,
    (Status.ACCEPTED, Status.CLOSED_UNSUCCESSFUL): RECEIVER,
    (Status.IN_SERVICE, Status.COMPLETED): RECEIVER,
    (Status.IN_SERVICE, Status.CLOSED_UNSUCCESSFUL): RECEIVER,
    (Status.SENT, Status.WITHDRAWN): SENDER,
    (Status.VIEWED, Status.WITHDRAWN): SENDER,
    (Status.ACCEPTED, Status.WITHDRAWN): SENDER,
    (Status.DRAFT, Status.REVOKED): SYSTEM,
    (Status.SENT, Status.REVOKED): SYSTEM,
    (Status.VIEWED, Status.REVOKED): SYSTEM,
    (Status.ACCEPTED, Status.REVOKED): SYSTEM,
    (Status.IN_SERVICE, Status.REVOKED): SYSTEM,
}


def test_it_spells_out_the_state_machine():
    assert transitions.TRANSITIONS == EXPECTED


@pytest.mark.parametrize(("current", "target", "side"), list(itertools.product(Status.values, Status.values, SIDES)))
def test_it_allows_exactly_the_table(current, target, side):
    if EXPECTED.get((current, target)) == side:
        transitions.check(current, target, side)
        assert target in transitions.next_statuses(current, side)
        return
    with pytest.raises(InvalidTransition):
        transitions.check(current, target, side)
    assert target not in transitions.next_statuses(current, side)


def test_it_tells_the_wrong_side_that_the_other_organization_decides():
    with pytest.raises(InvalidTransition, match=r"Only the other organization can make this change\."):
        transitions.check(Status.SENT, Status.ACCEPTED, SENDER)


def test_it_names_both_statuses_when_a_move_does_not_exist():
    with pytest.raises(InvalidTransition, match="“Completed” cannot become “Sent”"):
        transitions.check(Status.COMPLETED, Status.SENT, SENDER)


def test_it_leaves_no_way_out_of_a_final_status():
    for final in transitions.FINAL:
        for side in SIDES:
            assert transitions.next_statuses(final, side) == []


# ---------------------------------------------------------------------------------------------
# Through the services


MOVES = {
    Status.SENT: lambda **kw: services.referral_send(**kw),
    Status.ACCEPTED: lambda **kw: services.referral_accept(**kw),
    Status.DECLINED: lambda **kw: services.referral_decline(reason="no_capacity", **kw),
    Status.IN_SERVICE: lambda **kw: services.referral_start_service(**kw),
    Status.COMPLETED: lambda **kw: services.referral_complete(outcome="service_provided", **kw),
    Status.CLOSED_UNSUCCESSFUL: lambda **kw: services.referral_close_unsuccessful(reason="client_moved", **kw),
    Status.WITHDRAWN: lambda **kw: services.referral_withdraw(**kw),
}
USERS = {SENDER: "caseworker_a", RECEIVER: "caseworker_b"}


@pytest.mark.django_db
@pytest.mark.parametrize("side", [SENDER, RECEIVER])
@pytest.mark.parametrize("target", list(MOVES))
@pytest.mark.parametrize("current", Status.values)
def test_it_refuses_every_move_the_machine_does_not_allow(personas, current, target, side):
    referral = a_referral(personas, current)
    user = getattr(personas, USERS[side])
    events = ReferralEvent.objects.filter(referral=referral).count()
    allowed = EXPECTED.get((current, target)) == side

    if allowed:
        moved = MOVES[target](actor=user, membership=member(user), referral=referral)
        assert moved.status == target
        assert ReferralEvent.objects.filter(referral=referral).count() == events + 1
        return
    draft_for_receiver = current == Status.DRAFT and side == RECEIVER
    with pytest.raises(Http404 if draft_for_receiver else InvalidTransition):
        MOVES[target](actor=user, membership=member(user), referral=referral)
    assert Referral.objects.get(pk=referral.pk).status == current
    assert ReferralEvent.objects.filter(referral=referral).count() == events
