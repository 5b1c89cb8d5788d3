"""The only ways views, the API, exports and other apps reach clients and cases.

A client is visible to an organization that has a ``Case`` for them, to its staff who may see
personal data, and only in the categories that organization may see: every category at the
organization that did the intake; elsewhere only the categories the client consented to share
with it. Sensitive (GBV/CRSV) cases show identity only to the assigned caseworker, supervisors
and someone who broke the glass with a reason. Not visible → ``Http404``, like not existing.
"""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from caseway.clients import consent
from caseway.clients.models import BreakGlassAccess, Case, Client, DataCategory
from caseway.orgs.permissions import Action, Role

EVERY_CATEGORY = frozenset(DataCategory.values)
MASKED_NAME = "•••"


def _may_see_personal_data(membership) -> bool:
    if membership is None:
        return False
    if not membership.is_active:
        return False
    return membership.allows(Action.VIEW_PERSONAL_DATA)


def visible_cases(membership):
    """The cases of ``membership``'s organization, for staff who may see personal data."""
    if not _may_see_personal_data(membership):
        return Case.objects.none()
    return Case.objects.select_related("client", "caseworker", "supervisor").filter(
        organization_id=membership.organization_id,
        client__erased_at__isnull=True,
    )


def get_case_for_member(membership, pk) -> Case:
    try:
        return visible_cases(membership).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_case_for_update(membership, pk) -> Case:
    """The case, locked for the rest of the transaction: two people may act on it at once."""
    try:
        return visible_cases(membership).select_for_update(of=("self",)).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_clients(membership):
    if not _may_see_personal_data(membership):
        return Client.objects.none()
    own_case = Case.objects.filter(client=OuterRef("pk"), organization_id=membership.organization_id)
    return Client.objects.filter(Exists(own_case), erased_at__isnull=True)


def case_of_client(membership, client_pk) -> Case:
    """``membership``'s organization's case for the client ``client_pk``, or 404."""
    try:
        return visible_cases(membership).get(client_id=client_pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_categories(membership, case) -> frozenset:
    """The data categories of ``case``'s client that ``membership`` may see."""
    if not _may_see_personal_data(membership):
        return frozenset()
    if case.organization_id != membership.organization_id:
        return frozenset()
    if case.origin == Case.Origin.INTAKE:
        return EVERY_CATEGORY
    return consent.shared_categories(case.client, case.organization_id)


def has_broken_glass(membership, case, *, at=None) -> bool:
    return BreakGlassAccess.objects.filter(
        case=case, user_id=membership.user_id, expires_at__gt=at or timezone.now()
    ).exists()


def is_on_case_team(membership, case) -> bool:
    """The assigned caseworker or a supervisor of the organization: who sees a sensitive identity."""
    if case.caseworker_id == membership.user_id:
        return True
    if membership.role == Role.SUPERVISOR:
        return True
    return case.supervisor_id == membership.user_id


def can_see_identity(membership, case, categories=None) -> bool:
    """Whether ``membership`` may see the client's names, birth date and documents on ``case``."""
    categories = visible_categories(membership, case) if categories is None else categories
    if DataCategory.IDENTITY not in categories:
        return False
    if not case.is_sensitive:
        return True
    if is_on_case_team(membership, case):
        return True
    return has_broken_glass(membership, case)


def display_name(membership, case, *, categories=None) -> str:
    """The client's name as a list or search result may show it: masked unless identity is visible."""
    if not can_see_identity(membership, case, categories):
        return MASKED_NAME
    client = case.client
    return " ".join(part for part in (client.given_name, client.family_name) if part) or client.code
