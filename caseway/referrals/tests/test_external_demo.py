"""The demo's referrals outside the network (manage.py seed_demo): a hospital nobody of which
receives referrals, one referral accepted through a secure link and one waiting with a live link,
through the services, only where consent and an agreement allow, idempotent, no secret printed.

Seeding the demo takes tens of seconds: the demo modules share one seeding per test worker, inside a
transaction rolled back when the last of them ends (caseway/tests/shared_demo.py); each test runs in
its own savepoint within it."""

from io import StringIO

import pytest
from django.core.management import call_command

from caseway.audit.models import AuditEvent
from caseway.clients import consent
from caseway.clients.models import ConsentPurpose
from caseway.referrals import demo, external
from caseway.referrals.models import ExternalLink, Referral, Status


@pytest.fixture(scope="module")
def seeded(demo_referrals):
    """The demo seeded once per worker and shared with the other demo modules (caseway/tests/shared_demo.py)."""
    return demo_referrals


@pytest.fixture
def outside_referrals(seeded, db):
    return list(
        Referral.objects.filter(to_organization__name=demo.OUTSIDE[1])
        .select_related("to_organization", "from_organization", "client")
        .order_by("created_at")
    )


def test_it_refers_twice_to_a_hospital_outside_the_network(outside_referrals):
    assert len(outside_referrals) == 2
    hospital = outside_referrals[0].to_organization
    assert external.is_outside_network(hospital)
    assert {referral.from_organization.acronym for referral in outside_referrals} == {demo.OUTSIDE_SENDER}
    for referral in outside_referrals:
        assert consent.allows(referral.client, ConsentPurpose.REFERRAL, hospital)
        assert set(referral.categories) <= consent.shared_categories(referral.client, hospital)
        assert external.gate_allows(referral)


def test_one_was_accepted_through_a_link_and_one_waits_with_a_live_link(outside_referrals):
    accepted, waiting = outside_referrals

    assert accepted.status == Status.ACCEPTED and accepted.to_case_id is None
    assert [external.link_state(link) for link in ExternalLink.objects.filter(referral=accepted)] == [external.USED]
    assert accepted.events.filter(to_status=Status.ACCEPTED, code=external.EVENT_CODE).exists()
    assert waiting.status == Status.SENT
    assert [external.link_state(link) for link in ExternalLink.objects.filter(referral=waiting)] == [external.LIVE]
    assert AuditEvent.objects.filter(action="referrals.package_printed", target_id=str(waiting.pk)).exists()
    assert "identity" not in waiting.categories  # the code only, no name


def test_it_prints_no_link_nor_pin(seeded, outside_referrals):
    assert "/s/" not in seeded
    assert "PIN" not in seeded


def test_it_changes_nothing_when_run_again(outside_referrals):
    before = (Referral.objects.count(), ExternalLink.objects.count(), AuditEvent.objects.count())

    call_command("seed_demo", up_to="referrals", stdout=StringIO())

    assert (Referral.objects.count(), ExternalLink.objects.count(), AuditEvent.objects.count()) == before
