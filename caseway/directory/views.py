"""Staff directory pages: search, service and organization pages, agency-admin editing, curation.

Every location shown passes through ``access.present_location`` (lists: ``present_location_area``),
which redact confidential shelters for anyone outside the owning organization; every text search
goes through ``queries.search_services``, which never matches a shelter's name or address for
those who may not see them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway.directory import access, queries, services
from caseway.directory.forms import (
    CapacityForm,
    DirectorySearchForm,
    LocationForm,
    ServiceForm,
    TaxonomyTermCreateForm,
    TaxonomyTermForm,
    WeeklyHoursForm,
)
from caseway.directory.models import Schedule, ServiceCapacity, TaxonomyTerm
from caseway.directory.schedules import WEEKLY
from caseway.lib.access import authenticated, object_scoped, role_required
from caseway.lib.forms import add_service_errors
from caseway.lib.htmx import render_page_or_results
from caseway.lib.urls import row_url
from caseway.orgs.access import visible_organizations
from caseway.orgs.models import Organization
from caseway.orgs.permissions import Action

RESULTS_PER_PAGE = 25


def posted(request):
    """The submitted data, bound even when empty: an empty POST must show "required", not a blank form."""
    return request.POST if request.method == "POST" else None


def with_listings(page, membership_or_none, *, detail_view: str):
    """What each result row may show of its service to this viewer, with its links."""
    service_url = row_url(detail_view)
    organization_url = row_url("directory:organization_detail") if membership_or_none is not None else None
    page.listings = []
    for service in page.object_list:
        listing = queries.present_listing(service, membership_or_none)
        listing.url = service_url(service.pk)
        listing.organization_url = organization_url(service.organization_id) if organization_url else ""
        page.listings.append(listing)
    return page


def render_search(request, template, form, page):
    """The whole page, or only the results for htmx (the filters stay as the person left them)."""
    return render_page_or_results(request, template, {"form": form, "page": page})


def run_search(request, *, membership_or_none, public: bool):
    form = DirectorySearchForm(request.GET or None, public=public)
    if form.is_bound and not form.is_valid():
        return form, None
    page = queries.search_results_page(
        membership_or_none=membership_or_none,
        page_number=request.GET.get("page"),
        per_page=RESULTS_PER_PAGE,
        **(form.search_arguments() if form.is_bound else {}),
    )
    detail_view = "public_directory:service_detail" if public else "directory:service_detail"
    return form, with_listings(page, membership_or_none, detail_view=detail_view)


@authenticated
def search(request):
    if request.membership is None:  # signed in, but no active organization: nothing to browse
        form = DirectorySearchForm(None)
        return render_search(request, "directory/search.html", form, None)
    form, page = run_search(request, membership_or_none=request.membership, public=False)
    return render_search(request, "directory/search.html", form, page)


@authenticated
def service_detail(request, pk):
    service = access.get_directory_service(request.membership, pk)
    details = queries.service_details(service, request.membership, when=timezone.now())
    membership = request.membership
    context = {
        **details,
        "can_edit": membership.allows(Action.MANAGE_SERVICES) and service.organization_id == membership.organization_id,
        "can_verify": membership.allows(Action.CURATE_DIRECTORY),
    }
    return render(request, "directory/service_detail.html", context)


@authenticated
def organization_detail(request, pk):
    if request.membership is None:
        raise Http404
    try:
        organization = visible_organizations(request.user).get(pk=pk)
    except Organization.DoesNotExist:
        raise Http404 from None
    services = access.directory_services(request.membership).filter(organization=organization).order_by("name", "pk")
    page = with_listings(
        queries.list_page(services, request.GET.get("page"), per_page=RESULTS_PER_PAGE),
        request.membership,
        detail_view="directory:service_detail",
    )
    return render(request, "directory/organization_detail.html", {"organization": organization, "page": page})


# ---------------------------------------------------------------------------------------------
# Agency admins: their own organization's services and locations


@role_required(Action.MANAGE_SERVICES)
def manage_services(request):
    services = access.editable_services(request.membership).order_by("name", "pk")
    page = Paginator(services, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "directory/manage_services.html", {"page": page})


@role_required(Action.MANAGE_SERVICES)
def service_create(request):
    locations = access.editable_locations(request.membership).order_by("name")
    form = ServiceForm(posted(request), locations=locations)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(
                actor=request.user,
                membership=request.membership,
                values=form.values(),
                request=request,
                **form.relations(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Service added."))
            return redirect("directory:service_detail", pk=service.pk)
    return render(request, "directory/service_form.html", {"form": form, "service": None})


@object_scoped(Action.MANAGE_SERVICES)
def service_edit(request, pk):
    service = access.get_editable_service(request.membership, pk)
    locations = access.editable_locations(request.membership).order_by("name")
    form = ServiceForm(posted(request), locations=locations, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.service_update(
                actor=request.user,
                membership=request.membership,
                service=service,
                values=form.values(),
                version=form.cleaned_data["version"] or None,
                request=request,
                **form.relations(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved.") if changed else _("Nothing was changed."))
            return redirect("directory:service_detail", pk=service.pk)
    return render(request, "directory/service_form.html", {"form": form, "service": service})


@object_scoped(Action.MANAGE_SERVICES)
def service_hours(request, pk):
    service = access.get_editable_service(request.membership, pk)
    schedules = Schedule.objects.filter(service=service, freq__iexact=WEEKLY)
    form = WeeklyHoursForm(posted(request), schedules=schedules)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_hours_set(
                actor=request.user,
                membership=request.membership,
                service=service,
                weekly_hours=form.weekly_hours(),
                utc_offset=form.cleaned_data["utc_offset"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Opening hours saved."))
            return redirect("directory:service_detail", pk=service.pk)
    return render(request, "directory/service_hours.html", {"form": form, "service": service})


@object_scoped(Action.MANAGE_SERVICES)
def service_capacity(request, pk):
    service = access.get_editable_service(request.membership, pk)
    current = ServiceCapacity.objects.filter(service=service, unit__name=services.CAPACITY_UNIT).first()
    initial = {"available": int(current.available), "maximum": current.maximum} if current else None
    form = CapacityForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_capacity_set(
                actor=request.user,
                membership=request.membership,
                service=service,
                available=form.cleaned_data["available"],
                maximum=form.cleaned_data["maximum"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Places available saved."))
            return redirect("directory:service_detail", pk=service.pk)
    return render(request, "directory/service_capacity.html", {"form": form, "service": service, "current": current})


@role_required(Action.MANAGE_SERVICES)
def location_list(request):
    locations = access.editable_locations(request.membership).select_related("admin_area").order_by("name", "pk")
    page = Paginator(locations, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "directory/location_list.html", {"page": page})


@role_required(Action.MANAGE_SERVICES)
def location_create(request):
    form = LocationForm(posted(request), default_country=request.membership.organization.country)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_create(
                actor=request.user,
                membership=request.membership,
                values=form.values(),
                address=form.address(),
                phone=form.cleaned_data["phone"],
                accessibility_features=form.cleaned_data["accessibility"],
                language_codes=form.cleaned_data["languages"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Location added."))
            return redirect("directory:location_list")
    return render(request, "directory/location_form.html", {"form": form, "location": None})


@object_scoped(Action.MANAGE_SERVICES)
def location_edit(request, pk):
    location = access.get_editable_location(request.membership, pk)
    form = LocationForm(posted(request), location=location)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.location_update(
                actor=request.user,
                membership=request.membership,
                location=location,
                values=form.values(),
                address=form.address(),
                phone=form.cleaned_data["phone"],
                accessibility_features=form.cleaned_data["accessibility"],
                language_codes=form.cleaned_data["languages"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved.") if changed else _("Nothing was changed."))
            return redirect("directory:location_list")
    return render(request, "directory/location_form.html", {"form": form, "location": location})


# ---------------------------------------------------------------------------------------------
# Coordinators: verification and taxonomy curation


@require_POST
@role_required(Action.CURATE_DIRECTORY)
def service_verify(request, pk):
    service = access.get_directory_service(request.membership, pk)
    services.service_verify(actor=request.user, membership=request.membership, service=service, request=request)
    messages.success(request, _("Marked as verified today."))
    return redirect("directory:service_detail", pk=service.pk)


def _caseway_term(pk) -> TaxonomyTerm:
    try:
        return queries.caseway_terms().get(pk=pk)
    except (TaxonomyTerm.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@role_required(Action.CURATE_DIRECTORY)
def taxonomy(request):
    terms = queries.caseway_terms().annotate(service_count=Count("service_terms")).order_by("code")
    parents = [term for term in terms if term.parent_id is None]
    children = {}
    for term in terms:
        children.setdefault(term.parent_id, []).append(term)
    groups = [(parent, children.get(parent.pk, [])) for parent in parents]
    return render(request, "directory/taxonomy.html", {"groups": groups})


@role_required(Action.CURATE_DIRECTORY)
def taxonomy_term_create(request):
    form = TaxonomyTermCreateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.taxonomy_term_create(
                actor=request.user,
                membership=request.membership,
                parent=form.cleaned_data["parent"],
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                translations=form.translations(),
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Category added."))
            return redirect("directory:taxonomy")
    return render(request, "directory/taxonomy_term_form.html", {"form": form, "term": None})


@role_required(Action.CURATE_DIRECTORY)
def taxonomy_term_edit(request, pk):
    term = _caseway_term(pk)
    form = TaxonomyTermForm(posted(request), term=term)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.taxonomy_term_update(
                actor=request.user,
                membership=request.membership,
                term=term,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                translations=form.translations(),
                is_active=form.cleaned_data["is_active"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved.") if changed else _("Nothing was changed."))
            return redirect("directory:taxonomy")
    return render(request, "directory/taxonomy_term_form.html", {"form": form, "term": term})
