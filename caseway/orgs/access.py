"""The only ways views, the API and exports reach organizations and memberships."""

from django.http import Http404

from caseway.orgs.models import ApiToken, Membership, Organization
from caseway.orgs.permissions import Action


def active_memberships_of(user):
    return (
        Membership.objects.select_related("organization")
        .filter(user=user)
        .filter(is_active=True)
        .filter(organization__is_active=True)
        .order_by("organization__name")
    )


def visible_organizations(user):
    """The network's organizations: every staff member may see who is in the network."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(is_active=True)


def managed_memberships(membership):
    """Memberships an agency admin manages: their own organization's, nobody else's."""
    if membership is None:
        return Membership.objects.none()
    if not membership.allows(Action.MANAGE_MEMBERS):
        return Membership.objects.none()
    return Membership.objects.select_related("user", "organization").filter(organization_id=membership.organization_id)


def get_managed_membership(membership, pk) -> Membership:
    try:
        return managed_memberships(membership).get(pk=pk)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_api_tokens(user):
    return ApiToken.objects.select_related("membership__organization").filter(membership__user=user)


def get_api_token_for_user(user, pk) -> ApiToken:
    try:
        return visible_api_tokens(user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
