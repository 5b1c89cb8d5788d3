"""A pathway's progress, read from its referrals: each step's state, due time, lateness, the next step;
referring a step later; ending a run."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.clients import consent
from caseway.clients.models import ConsentPurpose
from caseway.referrals import pathways, services
from caseway.referrals.models import Outcome, Referral, Status, Urgency
from caseway.referrals.pathways import StepState
from caseway.referrals.tests.helpers import an_agreement, consent_to_refer, member
from caseway.referrals.tests.pathway_helpers import (
    START,
    a_pathway,
    b_services,
    outsider_training,
    ready_case,
    start,
)

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def started(personas):
    b_services(personas)
    pathway = a_pathway(personas)
    return start(personas, pathway, ready_case(personas))


def _read(personas, run, now=None):
    return pathways.progress(member(personas.caseworker_a), run, now=now)


def _receiver(personas):
    return member(personas.caseworker_b)


def _answer(personas, run, order, *moves, **arguments):
    receiver = _receiver(personas)
    referral = run.referrals.get(pathway_step__order=order)
    for move in moves:
        referral = move(actor=receiver.user, membership=receiver, referral=referral, **arguments)
    return referral


def test_it_counts_side_by_side_steps_from_the_start_and_later_ones_from_the_previous_acceptance(personas, started):
    accepted = _answer(personas, started, 1, services.referral_accept)

    rows = _read(personas, started).steps

    assert rows[0].due_at == started.started_at + 72 * HOUR
    assert rows[1].due_at == accepted.answered_at + 7 * DAY
    assert rows[2].due_at == rows[1].due_at + 14 * DAY  # step 2 not accepted yet: from its own due time
    assert [row.state for row in rows] == [StepState.ACCEPTED, StepState.AWAITING, StepState.AWAITING]
    assert rows[0].time_frame == "within 3 days of the start"
    assert rows[1].time_frame == "within 7 days of the previous step's acceptance"


def test_it_names_the_step_due_first_among_those_not_accepted_as_next(personas, started):
    progress = _read(personas, started)
    assert progress.next_step is progress.steps[0]
    assert [row.is_next for row in progress.steps] == [True, False, False]

    _answer(personas, started, 1, services.referral_accept)

    progress = _read(personas, started)
    assert progress.next_step is progress.steps[1]


def test_it_shows_what_is_late_and_what_was_accepted_late(personas, started):
    later = started.started_at + 73 * HOUR

    progress = _read(personas, started, now=later)

    assert [row.late for row in progress.steps] == [True, False, False]
    assert progress.late_count == 1

    accepted = _answer(personas, started, 1, services.referral_accept)
    Referral.objects.filter(pk=accepted.pk).update(answered_at=later)
    progress = _read(personas, started, now=later + HOUR)
    first = progress.steps[0]
    assert (first.late, first.accepted_late, first.state) == (False, True, StepState.ACCEPTED)
    assert progress.late_count == 0


def test_it_is_on_time_before_the_due_time(personas, started):
    progress = _read(personas, started, now=started.started_at + 71 * HOUR)

    assert progress.late_count == 0


def test_it_shows_the_outcome_and_completes_when_every_step_is_completed(personas, started):
    for order in (1, 2, 3):
        _answer(personas, started, order, services.referral_accept, services.referral_start_service)
        _answer(personas, started, order, services.referral_complete, outcome=Outcome.SERVICE_PROVIDED)

    progress = _read(personas, started, now=started.started_at + 100 * DAY)

    assert progress.complete
    assert progress.next_step is None
    assert progress.late_count == 0
    assert {row.referral.outcome for row in progress.steps} == {Outcome.SERVICE_PROVIDED}


def test_it_makes_a_declined_step_to_refer_again_and_refers_it(personas, started):
    _answer(personas, started, 2, services.referral_decline, reason="no_capacity")

    row = _read(personas, started).steps[1]
    assert (row.state, row.referral.status, row.may_refer) == (StepState.TO_REFER, Status.DECLINED, True)

    caseworker = member(personas.caseworker_a)
    referral = pathways.pathway_step_refer(
        actor=caseworker.user, membership=caseworker, run=started, step=row.step, note="Second try."
    )

    row = _read(personas, started).steps[1]
    assert (row.state, row.referral, row.earlier) == (StepState.AWAITING, referral, 1)
    assert referral.pathway_run == started and referral.status == Status.SENT
    assert referral.reason.endswith("Second try.")
    assert AuditEvent.objects.filter(action="referrals.pathway_step_referred").count() == 1


def test_it_refuses_to_refer_again_a_step_under_way(personas, started):
    caseworker = member(personas.caseworker_a)
    step = started.pathway.steps.get(order=1)

    with pytest.raises(ValidationError, match="already has a referral under way"):
        pathways.pathway_step_refer(actor=caseworker.user, membership=caseworker, run=started, step=step)
    assert Referral.objects.count() == 3


def test_it_shows_a_step_blocked_with_its_reasons_and_refers_it_once_the_consent_is_there(personas):
    b_services(personas)
    training = outsider_training(personas)
    pathway = a_pathway(
        personas,
        steps=(("health.cmr", Urgency.HIGH, 24, START), ("livelihoods.vocational_training", Urgency.NORMAL, 96, START)),
    )
    case = ready_case(personas)
    run = start(personas, pathway, case)

    row = _read(personas, run).steps[1]
    assert row.state == StepState.BLOCKED and row.referral is None
    assert "No data-sharing agreement for referrals is in force between Alpha Relief and Epsilon Works" in (
        " ".join(row.blocked_reasons)
    )

    an_agreement(personas.org_a, training.organization)
    consent_to_refer(case, training.organization, (), by=member(personas.caseworker_a))
    assert _read(personas, run).steps[1].state == StepState.TO_REFER

    caseworker = member(personas.caseworker_a)
    referral = pathways.pathway_step_refer(actor=caseworker.user, membership=caseworker, run=run, step=row.step)
    assert (referral.to_service, referral.status) == (training, Status.SENT)


def test_it_follows_a_consent_revocation_at_once(personas, started):
    answer = started.case.client.consents.get(purpose=ConsentPurpose.REFERRAL, recipient=personas.org_b)
    caseworker = member(personas.caseworker_a)

    consent.consent_revoke(actor=caseworker.user, membership=caseworker, consent=answer)

    rows = _read(personas, started).steps
    assert {row.referral.status for row in rows} == {Status.REVOKED}
    assert {row.state for row in rows} == {StepState.BLOCKED}
    assert "said no to being referred to Beta Legal Aid" in rows[0].blocked_reasons[-1]


def test_it_stops_following_an_ended_run_but_keeps_its_referrals(personas, started):
    caseworker = member(personas.caseworker_a)

    ended = pathways.pathway_run_end(actor=caseworker.user, membership=caseworker, run=started)

    progress = _read(personas, ended, now=timezone.now() + 100 * DAY)
    assert progress.ended and progress.next_step is None and progress.late_count == 0
    assert set(Referral.objects.values_list("status", flat=True)) == {Status.SENT}
    with pytest.raises(ValidationError, match="already ended"):
        pathways.pathway_run_end(actor=caseworker.user, membership=caseworker, run=started)
    with pytest.raises(ValidationError, match="was ended"):
        pathways.pathway_step_refer(
            actor=caseworker.user, membership=caseworker, run=started, step=started.pathway.steps.get(order=1)
        )


def test_it_hides_a_run_from_the_receiver_and_other_organizations(personas, started):
    for user in (personas.caseworker_b, personas.outsider):
        with pytest.raises(Http404):
            pathways.pathway_run_end(actor=user, membership=member(user), run=started)
    assert started.referrals.count() == 3
    # The receiver sees each referral it received, never the sender's pathway.
    assert pathways.case_progress(member(personas.caseworker_b), started.case) == []
