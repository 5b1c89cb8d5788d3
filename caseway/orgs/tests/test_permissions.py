"""The role table, spelled out: a change to who may do what must change this test too."""

import pytest

from caseway.orgs.models import Membership
from caseway.orgs.permissions import ROLE_ACTIONS, Action, Role, role_allows

C, S, L, A, K, D, M = (
    Role.CASEWORKER,
    Role.SUPERVISOR,
    Role.LEGAL_OFFICER,
    Role.AGENCY_ADMIN,
    Role.COORDINATOR,
    Role.DONOR,
    Role.MONITOR,
)

EXPECTED = {
    Action.VIEW_PERSONAL_DATA: {C, S, L},
    Action.VIEW_AUDIT_LOG: {A, M},
    Action.MANAGE_MEMBERS: {A},
    Action.MANAGE_API_TOKENS: {C, S, L, A, K, D, M},
    Action.VIEW_ORGANIZATIONS: {C, S, L, A, K, D, M},
    Action.MANAGE_SERVICES: {A},
    Action.CURATE_DIRECTORY: {K},
    Action.REGISTER_CLIENTS: {C, S, L},
    Action.SUPERVISE_CASES: {S},
    Action.ERASE_CLIENTS: {A},
    Action.MANAGE_RETENTION: {A},
    Action.MANAGE_AGREEMENTS: {A},
    Action.OVERRIDE_CONSENT: {S},
    Action.MANAGE_PATHWAYS: {K},
    Action.VIEW_NETWORK_STATISTICS: {K},
    Action.VIEW_PAYMENT_TOTALS: {S, A},
    Action.WORK_LEGAL_MATTERS: {S, L},
    Action.SEE_WITNESS_IDENTITY: {L},
    Action.VIEW_LEGAL_ANALYTICS: {S, L, K},
    Action.VIEW_NETWORK_INDICATORS: {K},
    Action.VIEW_ORGANIZATION_INDICATORS: {C, S, L, A},
    Action.MANAGE_INDICATOR_TARGETS: {S, A, K},
    Action.VIEW_FUNDED_INDICATORS: {D},
    Action.RECORD_FUNDING: {K},
}


def test_it_lists_every_role_and_every_action():
    assert set(ROLE_ACTIONS) == set(Role.values)
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_it_allows_exactly_the_table(role, action):
    assert role_allows(role, action) is (role in EXPECTED[action])


def test_it_keeps_personal_data_from_admins_coordinators_donors_and_monitors():
    for role in (A, K, D, M):
        assert not role_allows(role, Action.VIEW_PERSONAL_DATA)


def test_it_allows_nothing_to_an_unknown_role():
    for action in Action:
        assert not role_allows("superuser", action)
        assert not role_allows("", action)


def test_it_allows_nothing_to_an_unknown_action():
    for role in Role:
        assert not role_allows(role, "clients.delete_everything")


def test_it_allows_nothing_to_a_deactivated_membership():
    active = Membership(role=A, is_active=True)
    inactive = Membership(role=A, is_active=False)

    assert active.allows(Action.MANAGE_MEMBERS)
    for action in Action:
        assert not inactive.allows(action)
