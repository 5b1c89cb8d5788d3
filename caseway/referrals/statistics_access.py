"""Who may see the network's referral statistics: the one gate the page, the CSV and the API pass.

Statistics are aggregates with small cells hidden (``statistics.py``, ``lib.disclosure``), never a
row about anyone; still, only the roles the table gives ``VIEW_NETWORK_STATISTICS`` (coordinators)
see them. Views check the role first (403, audited, like every role-gated page); the selector asks
again here, so any other caller (a command, a future export) fails closed with a 404.
"""

from django.http import Http404

from caseway.orgs.permissions import Action


def may_view_statistics(membership) -> bool:
    if membership is None:
        return False
    if not membership.is_active:
        return False
    if not membership.organization.is_active:
        return False
    return membership.allows(Action.VIEW_NETWORK_STATISTICS)


def check_statistics_viewer(membership) -> None:
    """Nothing for a membership that may see the statistics; ``Http404`` for anyone else."""
    if not may_view_statistics(membership):
        raise Http404
