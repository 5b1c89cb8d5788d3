import re

from django.conf import settings
from django.contrib.auth import logout
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from caseway import audit
from caseway.accounts.middleware import second_factor_exempt
from caseway.casework import home as casework_home
from caseway.lib.access import authenticated, public

ROLE_ACTION_CODE = re.compile(r"[a-z_]+\.[a-z_]+")


@authenticated
def home(request):
    """The welcome; for staff who may see personal data, what needs them today (``casework.home``)."""
    membership = getattr(request, "membership", None)
    context = {}
    if casework_home.shows_work(membership):
        context["work"] = casework_home.home(membership)
    return render(request, "caseway/home.html", context)


@public
@second_factor_exempt
@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise. Says nothing else about the system."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@public
@second_factor_exempt
@never_cache
def quick_exit(request):
    """Ends the session and leaves for a neutral site; the page's script replaces the history entry."""
    if request.user.is_authenticated:
        logout(request)
    request.session.flush()  # a portal session too: Back must not bring its pages again
    response = HttpResponseRedirect(settings.QUICK_EXIT_URL)
    # Cookies too: a language or CSRF cookie left on a shared phone is a trace of the visit.
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@public
@second_factor_exempt
def set_language(request):
    return i18n.set_language(request)


@requires_csrf_token
def csrf_failure(request, reason=""):
    return render(request, "caseway/csrf_failure.html", status=403)


@requires_csrf_token
def permission_denied(request, exception=None):
    if request.user.is_authenticated:
        # role_required raises PermissionDenied(action); only such a code goes in, never free text.
        action = str(exception or "")
        fields = [action] if ROLE_ACTION_CODE.fullmatch(action) else []
        audit.record(request.user, "access.permission_denied", None, fields=fields, request=request)
    return render(request, "caseway/403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "caseway/404.html", status=404)


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "caseway/400.html", status=400)


def server_error(request):
    # The quick exit must be there even on this page; if even the URLconf is unusable, leave directly.
    try:
        quick_exit_url = reverse("quick_exit")
    except NoReverseMatch:
        quick_exit_url = settings.QUICK_EXIT_URL
    return render(request, "caseway/500.html", {"quick_exit_url": quick_exit_url}, status=500)
