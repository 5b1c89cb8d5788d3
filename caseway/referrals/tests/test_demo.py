"""The demo referrals (manage.py seed_demo): every state, some overdue and escalated, only where
consent and agreements allow, through the services, idempotent.

Seeding the demo takes tens of seconds: the demo modules share one seeding per test worker, inside a
transaction rolled back when the last of them ends (caseway/tests/shared_demo.py); each test runs in
its own savepoint within it.
"""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.clients import consent
from caseway.clients.models import Case, ConsentPurpose
from caseway.orgs.agreements import allowed_categories
from caseway.orgs.categories import SharingPurpose
from caseway.orgs.middleware import ACTIVE_MEMBERSHIP_SESSION_KEY
from caseway.orgs.models import DataSharingAgreement, Membership
from caseway.orgs.permissions import Role
from caseway.referrals import access, demo, escalation
from caseway.referrals.models import Referral, ReferralAlert, ReferralEvent, Status
from caseway.referrals.transitions import AWAITING_ANSWER
from caseway.tests.personas import login


@pytest.fixture(scope="module")
def seeded(demo_referrals):
    """The demo seeded once per worker and shared with the other demo modules (caseway/tests/shared_demo.py)."""
    return demo_referrals


@pytest.fixture
def referrals(seeded, db):
    return list(Referral.objects.select_related("client", "from_organization", "to_organization", "from_case"))


def _counts():
    return {
        "referrals": Referral.objects.count(),
        "events": ReferralEvent.objects.count(),
        "alerts": ReferralAlert.objects.count(),
        "agreements": DataSharingAgreement.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_it_seeds_referrals_in_every_state_between_several_organizations(referrals):
    statuses = Counter(referral.status for referral in referrals)

    assert set(statuses) == set(Status.values)
    assert len(referrals) >= 20
    pairs = {(referral.from_organization.acronym, referral.to_organization.acronym) for referral in referrals}
    assert len(pairs) >= 6
    assert len({sender for sender, _receiver in pairs}) >= 4


def test_it_has_overdue_referrals_escalated_to_each_level_and_some_with_time_left(referrals):
    now = timezone.now()
    awaiting = [referral for referral in referrals if referral.status in AWAITING_ANSWER]
    overdue = [referral for referral in awaiting if referral.due_at < now]

    assert any(referral.due_at > now for referral in awaiting)
    assert {referral.escalation_level for referral in overdue} >= {1, 2}
    assert ReferralAlert.objects.filter(level=1).exists() and ReferralAlert.objects.filter(level=2).exists()
    for referral in overdue:
        assert referral.escalation_level >= 1, referral.pk
        levels = list(
            ReferralEvent.objects.filter(referral=referral, code__startswith="overdue_").values_list("code", flat=True)
        )
        assert len(levels) == referral.escalation_level


def test_it_refers_only_where_the_client_agreed_and_an_agreement_covers_it(referrals):
    for referral in referrals:
        receiver = referral.to_organization_id
        # Agreed before the story's referral (which the revoked ones no longer are).
        assert consent.allows(referral.client, ConsentPurpose.REFERRAL, receiver, at=referral.created_at) or (
            referral.status == Status.REVOKED
        ), referral.pk
        agreed = allowed_categories(referral.from_organization_id, receiver, purpose=SharingPurpose.REFERRAL)
        assert agreed, referral.pk  # an agreement in force for referrals, even with no category
        assert set(referral.categories) <= agreed
        shared = consent.shared_categories(referral.client, receiver)
        assert set(referral.categories) <= shared, referral.pk
        assert referral.consent_overridden_by_id is None


def test_it_stops_a_referral_when_the_client_withdraws_the_referral_consent(referrals):
    revoked = [referral for referral in referrals if referral.status == Status.REVOKED]

    assert revoked
    for referral in revoked:
        assert not consent.allows(referral.client, ConsentPurpose.REFERRAL, referral.to_organization_id)
        assert referral.events.filter(to_status=Status.REVOKED, code="consent_revoked").exists()


def test_it_goes_through_the_services_with_an_event_and_an_audit_record_for_every_step(referrals):
    for referral in referrals:
        events = list(referral.events.all())
        assert events[0].to_status == Status.DRAFT
        transitions = [event for event in events if event.from_status != event.to_status]
        assert transitions[-1].to_status == referral.status
        assert [event.at for event in events] == sorted(event.at for event in events)
    sent = [referral for referral in referrals if referral.sent_at is not None]
    assert AuditEvent.objects.filter(action="referrals.referral_created").count() == len(referrals)
    assert AuditEvent.objects.filter(action="referrals.referral_sent").count() == len(sent)
    assert all(referral.package is not None for referral in sent)


def test_it_opens_the_receivers_case_for_each_accepted_referral(referrals):
    accepted = [referral for referral in referrals if referral.to_case_id is not None]

    assert accepted
    for referral in accepted:
        case = Case.objects.get(pk=referral.to_case_id)
        assert case.organization_id == referral.to_organization_id
        assert case.origin == Case.Origin.REFERRAL
        assert case.opened_at == referral.answered_at


def test_it_tells_one_sender_how_it_went_with_the_clients_consent(referrals):
    completed = [referral for referral in referrals if referral.status == Status.COMPLETED]
    told = []
    for referral in completed:
        sender = Membership.objects.filter(
            organization=referral.from_organization, role__in=(Role.CASEWORKER, Role.LEGAL_OFFICER)
        ).first()
        if access.outcome_note_visible(sender, referral):
            told.append(referral)

    assert told and len(told) < len(completed)
    assert all(referral.outcome_note for referral in told)


def test_it_words_reasons_and_notes_without_anyone_in_them(referrals):
    words = set(demo.REASONS.values())
    notes = set(demo.OUTCOME_NOTES.values())
    for referral in referrals:
        assert referral.reason in words
        assert referral.outcome_note in notes | {None}


def test_it_dates_the_story_before_the_seeding_moment(referrals):
    now = timezone.now()
    for referral in referrals:
        assert referral.created_at <= now
        if referral.sent_at:
            assert referral.created_at <= referral.sent_at <= now
        if referral.closed_at:
            assert referral.sent_at is None or referral.sent_at <= referral.closed_at
    assert max(now - referral.created_at for referral in referrals).days >= 30


def test_it_shows_the_receiving_supervisor_the_escalated_referrals_in_the_inbox(referrals, client):
    alert = ReferralAlert.objects.filter(level=1, audience=ReferralAlert.Audience.SUPERVISORS).first()
    supervisor = Membership.objects.filter(organization=alert.organization, role=Role.SUPERVISOR).first()
    login(client, supervisor.user)
    session = client.session
    session[ACTIVE_MEMBERSHIP_SESSION_KEY] = supervisor.pk
    session.save()

    response = client.get(reverse("referrals:inbox"))

    assert response.status_code == 200
    assert alert.referral.client.code in response.content.decode()


def test_it_changes_nothing_when_run_again(referrals):
    before = _counts()

    call_command("seed_demo", up_to="referrals", stdout=StringIO())

    assert _counts() == before
    assert escalation.escalations_run(now=timezone.now(), dry_run=True).due == 0


def test_it_squeezes_a_story_that_would_start_before_the_client_agreed():
    story = next(story for story in demo.STORIES if story.key == "completed_partly")  # 45 days long
    now = timezone.now()
    agreed = now - datetime.timedelta(days=2)

    moments = demo._moments(story, now, agreed)

    assert moments == sorted(moments)
    assert moments[0] >= agreed + datetime.timedelta(hours=1)
    assert moments[-1] < now


def test_it_keeps_a_story_that_fits_after_the_consent_as_written():
    story = next(story for story in demo.STORIES if story.key == "seen")
    now = timezone.now()

    moments = demo._moments(story, now, now - datetime.timedelta(days=30))

    assert [now - moment for moment in moments] == [datetime.timedelta(hours=hours) for _status, hours in story.steps]


def test_it_gives_the_coordinator_statistics_with_some_numbers_to_see(referrals, client):
    coordinator = Membership.objects.filter(role=Role.COORDINATOR).select_related("user").first()
    login(client, coordinator.user)

    response = client.get(reverse("referrals:statistics"))

    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats.referrals == len(
        [r for r in referrals if r.sent_at and r.sent_at >= timezone.now() - datetime.timedelta(days=90)]
    )
    shown = [line.value for table in stats.count_tables for line in table.lines if line.value]
    assert len(shown) >= 5
    assert stats.people is not None
    assert "hidden" in response.content.decode()  # a demo network this small also shows suppression
