"""The only ways views, the API and exports reach organizations, memberships and agreements."""

from django.db.models import Q
from django.http import Http404

from caseway.orgs.models import ApiToken, DataSharingAgreement, Membership, Organization
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


def may_manage_agreements(membership) -> bool:
    if membership is None:
        return False
    if not membership.is_active:
        return False
    return membership.allows(Action.MANAGE_AGREEMENTS)


def visible_agreements(membership):
    """Data-sharing agreements ``membership``'s organization is a party to, for its agency admins."""
    if not may_manage_agreements(membership):
        return DataSharingAgreement.objects.none()
    organization_id = membership.organization_id
    return DataSharingAgreement.objects.select_related("proposer", "partner", "proposed_by", "decided_by").filter(
        Q(proposer_id=organization_id) | Q(partner_id=organization_id)
    )


def get_agreement_for_member(membership, pk) -> DataSharingAgreement:
    try:
        return visible_agreements(membership).get(pk=pk)
    except (DataSharingAgreement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
