from types import SimpleNamespace

import pytest

from caseway import audit
from caseway.audit.access import visible_events

pytestmark = pytest.mark.django_db


def membership(*, organization_id, allowed=("audit.view_log",)):
    return SimpleNamespace(organization_id=organization_id, allows=lambda action: action in allowed)


@pytest.fixture
def events():
    return {
        "org_1": audit.record(None, "orgs.member_added", organization=1),
        "org_2": audit.record(None, "orgs.member_added", organization=2),
        "none": audit.record(None, "accounts.login_failed"),
    }


def test_it_shows_nothing_without_a_membership(events):
    assert not visible_events(None).exists()


def test_it_shows_nothing_to_a_role_that_may_not_read_the_log(events):
    assert not visible_events(membership(organization_id=1, allowed=("clients.view_personal_data",))).exists()


def test_it_shows_only_the_memberships_organizations_events(events):
    assert list(visible_events(membership(organization_id=1))) == [events["org_1"]]


def test_it_never_shows_organization_less_events_even_to_a_membership_without_organization(events):
    assert not visible_events(membership(organization_id=None)).exists()


def test_it_names_the_permission_exactly_as_the_role_table_grants_it(personas):
    from caseway.orgs.models import Membership

    assert Membership.objects.get(user=personas.monitor_a).allows("audit.view_log")
    assert not Membership.objects.get(user=personas.caseworker_a).allows("audit.view_log")
