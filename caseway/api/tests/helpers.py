from caseway.orgs import services as org_services
from caseway.orgs.models import Membership


def membership_of(user, organization=None) -> Membership:
    memberships = user.memberships.select_related("organization")
    return memberships.get(organization=organization) if organization else memberships.get()


def bearer(secret: str) -> dict:
    """Test-client keyword arguments that send ``secret`` as a bearer token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def create_token(user, organization=None, **kwargs):
    """(ApiToken, secret) for ``user``'s membership in ``organization``, created through the service."""
    return org_services.api_token_create(
        actor=user, membership=membership_of(user, organization), name="test", **kwargs
    )
