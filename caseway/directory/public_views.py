"""The public directory: services marked public, for anyone, without signing in.

Nothing staff-only is shown (referral intake, capacity, who verified), confidential locations
are redacted as for any outsider (``present_location`` with no membership), and text search
never matches a shelter's name or address.
"""

from django.shortcuts import render
from django.utils import timezone

from caseway.accounts.middleware import second_factor_exempt
from caseway.directory import access, queries
from caseway.directory.views import render_search, run_search
from caseway.lib.access import public


@public
@second_factor_exempt
def search(request):
    form, page = run_search(request, membership_or_none=None, public=True)
    return render_search(request, "directory/public_search.html", form, page)


@public
@second_factor_exempt
def service_detail(request, pk):
    service = access.get_public_service(pk)
    details = queries.service_details(service, None, when=timezone.now())
    return render(request, "directory/public_service_detail.html", details)
