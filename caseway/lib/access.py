"""How every view declares who may reach it.

Each view carries exactly one access class, which the access-matrix test reads:

- ``public``: anyone, signed in or not (login page, health check);
- ``authenticated``: any signed-in staff member who has passed the second factor;
- ``role``: additionally needs an action from the role table of the active membership;
- ``object``: reaches a protected row through an ``access.py`` helper (other organization → 404);
- ``portal``: a client signed in on the portal (``request.portal_account``, set by the portal's
  middleware); anyone else is sent to the portal's own sign-in page. Staff sign-in opens nothing there.

The checks read ``request.user`` and ``request.membership`` only (set by middleware), so this
floor-0 module imports no Caseway app.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

PUBLIC = "public"
AUTHENTICATED = "authenticated"
ROLE = "role"
OBJECT = "object"
PORTAL = "portal"
ACCESS_CLASSES = (PUBLIC, AUTHENTICATED, ROLE, OBJECT, PORTAL)


def _mark(view, access_class, action=None):
    view.caseway_access = access_class
    view.caseway_action = action
    return view


def public(view):
    """Reachable without signing in."""
    return _mark(view, PUBLIC)


def _require_login(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def authenticated(view):
    """Any signed-in staff member (the second factor is enforced by middleware)."""
    return _mark(_require_login(view), AUTHENTICATED)


def _membership_allows(request, action):
    membership = getattr(request, "membership", None)
    if membership is None:
        return False
    return membership.allows(action)


def role_required(action):
    """Signed in, and the active membership's role allows ``action``; otherwise 403 (audited)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _membership_allows(request, action):
                raise PermissionDenied(action)
            return view(request, *args, **kwargs)

        return _mark(_require_login(wrapper), ROLE, action)

    return decorator


def object_scoped(action=None):
    """The view reaches its object through an access helper, which answers 404 when not visible.

    ``action``, when given, is also required of the active membership (403 otherwise).
    """

    def decorator(view):
        inner = role_required(action)(view) if action else _require_login(view)
        return _mark(inner, OBJECT, action)

    return decorator


def portal_client(view):
    """A client signed in on the portal; the view reaches their rows through ``request.portal_account``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "portal_account", None) is None:
            return redirect("portal:login")
        return view(request, *args, **kwargs)

    return _mark(wrapper, PORTAL)


def access_class_of(callback):
    """The declared access class of a resolved URL callback, DRF views included."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    for candidate in (callback, view_class):
        value = getattr(candidate, "caseway_access", None)
        if value:
            return value
    return None
