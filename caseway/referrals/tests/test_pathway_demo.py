"""The demo pathways (manage.py seed_demo): two definitions and one run in progress, through the services.

Seeding the demo takes tens of seconds: the demo modules share one seeding per test worker, inside a
transaction rolled back when the last of them ends (caseway/tests/shared_demo.py); each test runs in
its own savepoint within it.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from caseway.audit.models import AuditEvent
from caseway.clients import consent
from caseway.clients.demo import DEMO_DOMAIN
from caseway.orgs.agreements import allowed_categories
from caseway.orgs.categories import SharingPurpose
from caseway.orgs.middleware import ACTIVE_MEMBERSHIP_SESSION_KEY
from caseway.orgs.models import Membership
from caseway.orgs.permissions import Role
from caseway.referrals import demo, pathways
from caseway.referrals.models import Pathway, PathwayRun, Referral, Status
from caseway.tests.personas import login


@pytest.fixture(scope="module")
def seeded(demo_referrals):
    """The demo seeded once per worker and shared with the other demo modules (caseway/tests/shared_demo.py)."""
    return demo_referrals


@pytest.fixture
def run(seeded, db):
    return PathwayRun.objects.select_related("case", "case__client", "pathway").get()


def _sender(run):
    return Membership.objects.select_related("organization", "user").get(
        organization_id=run.case.organization_id, role=Role.CASEWORKER, user__email__endswith=DEMO_DOMAIN
    )


def test_it_defines_the_two_pathways_as_data(seeded, db):
    crsv = Pathway.objects.get(code="crsv-72h")
    returning = Pathway.objects.get(code="returning-women-children")

    assert [(step.category, step.within_hours, step.due_from) for step in crsv.steps.all()] == [
        ("health.cmr", 72, "start"),
        ("mhpss", 168, "previous"),
        ("legal.counselling", 336, "previous"),
    ]
    assert [step.category for step in returning.steps.all()] == [
        "childcare",
        "livelihoods.vocational_training",
        "mhpss",
    ]
    assert crsv.need_profile["urgent_health_need"] is True
    assert AuditEvent.objects.filter(action="referrals.pathway_created").count() == 2


def test_it_has_one_pathway_in_progress_with_a_late_step_to_refer_again(run):
    progress = pathways.progress(_sender(run), run)

    states = [row.state for row in progress.steps]
    assert states[0] == pathways.StepState.ACCEPTED
    assert progress.steps[0].referral.status == Status.IN_SERVICE
    assert not progress.steps[0].accepted_late
    assert states[1] == pathways.StepState.TO_REFER
    assert progress.steps[1].referral.status == Status.DECLINED
    assert progress.steps[1].late
    assert progress.next_step is progress.steps[1]
    assert states[2] in {pathways.StepState.TO_REFER, pathways.StepState.BLOCKED}
    assert progress.steps[2].referral is None
    assert not progress.complete and progress.run.ended_at is None
    assert timezone.now() - run.started_at > datetime.timedelta(days=7)


def test_it_refers_only_where_the_client_agreed_and_an_agreement_covers_it(run):
    referrals = list(Referral.objects.filter(pathway_run=run))

    assert len(referrals) == 2
    for referral in referrals:
        receiver = referral.to_organization_id
        assert consent.allows(referral.client, "referral", receiver, at=referral.created_at)
        agreed = allowed_categories(referral.from_organization_id, receiver, purpose=SharingPurpose.REFERRAL)
        assert set(referral.categories) <= agreed & consent.shared_categories(referral.client, receiver)
        assert referral.reason in demo.REASONS.values()
        assert referral.created_at == run.started_at
        assert [event.at for event in referral.events.all()] == sorted(event.at for event in referral.events.all())


def test_it_shows_the_sender_the_progress_on_the_case(run, client):
    sender = _sender(run)
    login(client, sender.user)
    session = client.session
    session[ACTIVE_MEMBERSHIP_SESSION_KEY] = sender.pk
    session.save()

    html = client.get(reverse("referrals:case_pathways", args=[run.case_id])).content.decode()

    assert "CRSV within 72 hours" in html
    assert "Late" in html
    assert "Declined: No capacity" in html


def test_it_changes_nothing_when_run_again(run):
    before = (PathwayRun.objects.count(), Referral.objects.count(), Pathway.objects.count(), AuditEvent.objects.count())

    call_command("seed_demo", up_to="referrals", stdout=StringIO())

    after = (PathwayRun.objects.count(), Referral.objects.count(), Pathway.objects.count(), AuditEvent.objects.count())
    assert after == before
