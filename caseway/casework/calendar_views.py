"""The week calendar page, the feed settings page and the personal iCalendar feed itself.

The week: the signed-in member's appointments (a supervisor may ask for the whole organization's),
client codes only, a fixed number of queries whatever the rows. The feed (``/cases/calendar/<token>.ics``)
has no session: the secret token is the only credential; unknown and revoked tokens get the same
404; every answer is ``no-store`` and ``no-referrer``.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseway.accounts.middleware import second_factor_exempt
from caseway.casework import calendar_services
from caseway.casework.models import Appointment
from caseway.lib.access import public, role_required
from caseway.orgs.permissions import Action


@role_required(Action.VIEW_PERSONAL_DATA)
def week(request):
    membership = request.membership
    today = timezone.localdate()
    monday = calendar_services.week_start(request.GET.get("week"), today)
    supervises = membership.allows(Action.SUPERVISE_CASES)
    whole = supervises and request.GET.get("all") == "1"
    appointments = list(calendar_services.week_appointments(membership, monday, whole_organization=whole))
    seven = datetime.timedelta(days=7)
    context = {
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "days": calendar_services.week_days(monday, appointments),
        "today": today,
        "previous_week": calendar_services.iso_week(monday - seven),
        "next_week": calendar_services.iso_week(monday + seven),
        "this_week": calendar_services.iso_week(monday),
        "supervises": supervises,
        "whole": whole,
        "count": len(appointments),
        "scheduled": Appointment.Status.SCHEDULED,
    }
    return render(request, "casework/calendar/week.html", context)


@role_required(Action.VIEW_PERSONAL_DATA)
def feed_settings(request):
    """GET: whether a feed exists; POST: make a new one and show its address, once."""
    membership = request.membership
    context = {"feed": calendar_services.live_feed(membership), "url": None}
    if request.method == "POST":
        feed, token = calendar_services.calendar_feed_create(actor=request.user, membership=membership, request=request)
        context.update(
            {"feed": feed, "url": request.build_absolute_uri(reverse("casework:calendar_ics", args=[token]))}
        )
    return render(request, "casework/calendar/feed.html", context)


@require_POST
@role_required(Action.VIEW_PERSONAL_DATA)
def feed_revoke(request):
    if calendar_services.calendar_feed_revoke(actor=request.user, membership=request.membership, request=request):
        messages.success(request, _("The calendar address no longer works."))
    return redirect("casework:calendar_feed")


def _private(view):
    """No copy kept anywhere, no address passed on, not indexed; the same for every answer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        response["Pragma"] = "no-cache"
        response["Expires"] = "0"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


@public
@second_factor_exempt
@_private
@require_GET
def feed(request, token):
    found = calendar_services.feed_for_token(token)
    if found is None:
        return HttpResponse(b"Not found\n", status=404, content_type="text/plain; charset=utf-8")
    membership = found.membership
    calendar_services.feed_read(found, request=request)
    appointments = calendar_services.feed_appointments(membership)
    body = calendar_services.feed_ics(membership, appointments, host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="appointments.ics"'
    return response
