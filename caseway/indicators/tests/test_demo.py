"""The demo indicators (manage.py seed_demo): a donor funding two organizations and targets for the
year, through the audited services, idempotent; the dashboards open on the demo network."""

import pytest
from django.urls import reverse

from caseway.audit.models import AuditEvent
from caseway.indicators import demo
from caseway.indicators.models import FundedOrganization, Target
from caseway.orgs.models import Organization


@pytest.fixture(scope="module")
def seeded(demo_network):
    return demo_network


def test_a_donor_funds_two_organizations_and_targets_are_set(seeded, db):
    assert {row.organization.acronym for row in FundedOrganization.objects.select_related("organization")} == {
        "HWN",
        "SPI",
    }
    assert Target.objects.filter(organization__isnull=True).count() == len(demo.NETWORK_TARGETS)
    assert Target.objects.filter(organization__acronym="HWN").exists()
    assert AuditEvent.objects.filter(action__startswith="indicators.").exists()


def test_seeding_again_adds_nothing(seeded, db):
    before = (FundedOrganization.objects.count(), Target.objects.count())
    demo.seed({"organizations": {organization.acronym: organization for organization in Organization.objects.all()}})
    assert (FundedOrganization.objects.count(), Target.objects.count()) == before


def test_the_coordinator_and_the_donor_open_their_dashboards_on_the_demo(seeded, db, client):
    from caseway.accounts.models import User
    from caseway.tests.personas import login

    login(client, User.objects.get(email="coordinator@rsm.demo.example.org"))
    page = client.get(reverse("indicators:network"))
    assert page.status_code == 200 and "Referral acceptance rate" in page.content.decode()
    login(client, User.objects.get(email="donor@cfr.demo.example.org"))
    funded = client.get(reverse("indicators:funded"))
    assert funded.status_code == 200
