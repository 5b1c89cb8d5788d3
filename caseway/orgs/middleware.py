ACTIVE_MEMBERSHIP_SESSION_KEY = "caseway_active_membership"


def active_membership_for(request, memberships):
    wanted = request.session.get(ACTIVE_MEMBERSHIP_SESSION_KEY)
    for membership in memberships:
        if membership.pk == wanted:
            return membership
    return memberships[0] if memberships else None


class ActiveMembershipMiddleware:
    """Sets ``request.membership``: the organization and role the user is acting in now.

    A user in several organizations picks one with the switcher; ``request.memberships``
    lists them all for it. API tokens carry their own membership (set by the token
    authentication).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = []
        if request.user.is_authenticated:
            from caseway.orgs.access import active_memberships_of

            request.memberships = list(active_memberships_of(request.user))
        request.membership = active_membership_for(request, request.memberships)
        return self.get_response(request)
