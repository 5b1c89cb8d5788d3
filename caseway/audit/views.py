from django.core.paginator import Paginator
from django.shortcuts import render

from caseway.audit import access
from caseway.audit.forms import EventFilterForm
from caseway.lib.access import role_required

EVENTS_PER_PAGE = 50


@role_required("audit.view_log")
def event_list(request):
    # Reading the log is deliberately not itself audited: every page view would add events to the
    # log being read, so the log would grow without bound just from being monitored. Only reads
    # of personal data are audited, and this page shows none (names of fields, never values).
    events = access.visible_events(request.membership)
    form = EventFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    elif form.is_bound:
        events = events.none()
    # "-seq" is a total order, so pages never repeat or skip an event; the fields shown are all
    # columns of the event row, so the page costs the same two queries (count, rows) at any size.
    paginator = Paginator(events.order_by("-seq"), EVENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})
