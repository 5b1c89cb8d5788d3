"""Who may see which indicators, and set which targets. Fail closed: anything unclear is a 404.

- Coordinators (``indicators.view_network``): the network, or any one organization (read out of
  the network's tables: ``queries.organization_tables``; a set of them is refused there).
- Staff of an organization (``indicators.view_organization``): their organization only.
- Donors: nothing yet (their view, of what they fund, comes with the funding app).
- The public (``public=True``): the network only, never broken down by organization.
"""

from django.http import Http404

from caseway.indicators.periods import Scope
from caseway.orgs.permissions import Action


def active_membership(membership) -> bool:
    if membership is None:
        return False
    if not membership.is_active:
        return False
    return bool(membership.organization.is_active)


def may_view_network(membership) -> bool:
    if not active_membership(membership):
        return False
    return membership.allows(Action.VIEW_NETWORK_INDICATORS)


def may_view_organization(membership) -> bool:
    if not active_membership(membership):
        return False
    return membership.allows(Action.VIEW_ORGANIZATION_INDICATORS)


def may_view_any(membership) -> bool:
    return may_view_network(membership) or may_view_organization(membership)


def default_scope(membership) -> Scope:
    """The scope a viewer sees first: the network for coordinators, else their organization."""
    if may_view_network(membership):
        return Scope.network()
    if may_view_organization(membership):
        return Scope.of(membership.organization_id)
    raise Http404


def check_scope(membership, scope: Scope | None) -> Scope:
    """``scope`` (or the default one) when ``membership`` may see it; ``Http404`` otherwise."""
    if scope is None:
        return default_scope(membership)
    if may_view_network(membership):
        return scope
    if not may_view_organization(membership):
        raise Http404
    if scope.is_network:
        raise Http404
    if scope.organization_ids != frozenset({str(membership.organization_id)}):
        raise Http404
    return scope


def check_public(scope: Scope | None, dimensions) -> Scope:
    """The public sees the network only, and never a breakdown by organization."""
    if scope is not None and not scope.is_network:
        raise Http404
    if any(not dimension.public for dimension in dimensions):
        raise Http404
    return Scope.network()


def may_manage_targets(membership, organization_id) -> bool:
    """Network targets: coordinators. An organization's targets: its supervisors and admins, or a
    coordinator."""
    if not active_membership(membership):
        return False
    if not membership.allows(Action.MANAGE_INDICATOR_TARGETS):
        return False
    if may_view_network(membership):
        return True
    if organization_id is None:
        return False
    return str(organization_id) == str(membership.organization_id)
