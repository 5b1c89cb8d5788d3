import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SESSION_STARTED_AT = "caseway_started_at"
SESSION_LAST_SEEN_AT = "caseway_last_seen_at"
SESSION_REAUTHENTICATED_AT = "caseway_reauthenticated_at"


class SessionLifetimeMiddleware:
    """Ends a signed-in session after 30 idle minutes, and after 12 hours whatever happens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED_AT, now)
            last_seen = request.session.get(SESSION_LAST_SEEN_AT, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # signed out now: the API answers 401 itself
                return redirect(f"{reverse(settings.LOGIN_URL)}?expired=1")
            if SESSION_STARTED_AT not in request.session:
                request.session[SESSION_STARTED_AT] = started  # assigning marks the session for saving
            # Writing the session on every request costs a query; once a minute is precise enough.
            if now - last_seen > 60 or SESSION_LAST_SEEN_AT not in request.session:
                request.session[SESSION_LAST_SEEN_AT] = now
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """A password alone opens nothing: every staff page waits for the second factor.

    Views marked ``second_factor_exempt`` (sign-in steps, sign-out, language, health check)
    are reachable in between.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if request.user.is_verified():
            return None
        if getattr(view_func, "second_factor_exempt", False):
            return None
        if request.path.startswith("/api/"):
            return None  # the API's own authentication refuses unverified sessions (401/403)
        from caseway.accounts.services import has_confirmed_second_factor

        target = "accounts:verify" if has_confirmed_second_factor(request.user) else "accounts:enroll"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def second_factor_exempt(view):
    view.second_factor_exempt = True
    return view
