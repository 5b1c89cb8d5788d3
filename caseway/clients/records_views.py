"""Staff pages of client records: the case list and search, the case page, break-glass, editing
identity, supervisor actions (assignment, sensitivity), alerts and link requests.

Every case is reached through ``clients.access`` (another organization's case: 404). Identity and
contact are shown only in the categories ``access.visible_categories`` allows and, for sensitive
cases, only per ``access.can_see_identity``; every page that shows them writes an audit event
naming the fields shown.
"""

from contextlib import suppress

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseway import audit
from caseway.accounts.decorators import reauthentication_required
from caseway.clients import access, codes, queries, records_services, safety, scoring
from caseway.clients.models import BreakGlassAccess, CaseAlert, DataCategory, LinkRequest
from caseway.clients.records_forms import (
    AssignmentForm,
    BreakGlassForm,
    ClientListForm,
    IdentityForm,
    SensitivityForm,
)
from caseway.clients.services import CONTACT_NEEDS_IDENTITY, client_update_identity
from caseway.lib.access import object_scoped, role_required
from caseway.lib.forms import add_service_errors
from caseway.lib.htmx import render_page_or_results
from caseway.orgs.permissions import Action

CASES_PER_PAGE = 25
ALERTS_PER_PAGE = 25
# What the case page shows of identity and contact, in this order, with the category each needs.
IDENTITY_SHOWN = ("given_name", "family_name", "aliases", "birth_date", "nationality", "documents_held")
CONTACT_SHOWN = ("phone", "address")


def posted(request):
    return request.POST if request.method == "POST" else None


def _safe_next(request, fallback):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return fallback


# ---------------------------------------------------------------------------------------------
# The list and search


@role_required(Action.VIEW_PERSONAL_DATA)
def client_list(request):
    membership = request.membership
    form = ClientListForm(request.GET or None)
    page, rows, reading, problem = None, [], None, ""
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else {}
        cases = queries.filtered_cases(membership, **filters)
        text = form.text
        if text:
            reading, found = queries.search_cases(cases, text, membership=membership)
            problem = queries.code_problem(text)
            page = queries.search_page(found, request.GET.get("page"), per_page=CASES_PER_PAGE)
        else:
            page = queries.case_page(cases, request.GET.get("page"), per_page=CASES_PER_PAGE)
        rows = queries.case_rows(membership, page)
        if text:
            # Who searched, how and how often: never what was typed (a name or phone is a value).
            audit.record(
                request.user,
                "clients.searched",
                fields=[reading.kind if reading else "nothing"],
                organization=membership.organization_id,
                request=request,
            )
    context = {"form": form, "page": page, "rows": rows, "reading": reading, "code_problem": problem}
    return render_page_or_results(request, "clients/records/list.html", context)


# ---------------------------------------------------------------------------------------------
# The case page


def _identity_rows(client, names):
    """(label, value) of each field in ``names`` that has a value, and the names of those shown."""
    labels = {
        "given_name": _("Given name"),
        "family_name": _("Family name"),
        "aliases": _("Other names"),
        "birth_date": _("Date of birth"),
        "nationality": _("Nationality"),
        "documents_held": _("Documents held"),
        "phone": _("Phone"),
        "address": _("Address"),
    }
    rows, shown = [], []
    for name in names:
        value = getattr(client, name)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        if name == "birth_date" and client.birth_date_is_estimated:
            value = _("%(date)s (estimated)") % {"date": value}
        rows.append((labels[name], value, name))
        shown.append(name)
    return rows, shown


def _case_links(membership, case, categories, identity_visible) -> list[tuple[str, str]]:
    """(url, label) of the case's other pages, only those ``membership`` may open.

    The same conditions as those pages: assessments in a visible instrument category, the safety
    plan and incidents with the risk category (``safety.may_see_risk``), the subject access export
    with the identity (``export.require_export``). The referrals app (a floor above) is linked by
    URL name only, when it is installed; its page answers to whoever may see the case. So is the
    casework app (case work page: plan, notes, timeline), for the same people.
    """
    links = []
    with suppress(NoReverseMatch):
        links.append((reverse("casework:case", kwargs={"case_pk": case.pk}), _("Case work: plan, notes, timeline")))
    if any(category in categories for category in scoring.CATEGORIES):
        links.append((reverse("clients:assessment_list", kwargs={"pk": case.pk}), _("Assessments")))
    if safety.may_see_risk(membership, case, categories):
        links.append((reverse("clients:safety_plan", kwargs={"pk": case.pk}), _("Safety plan")))
        links.append((reverse("clients:incident_list", kwargs={"pk": case.pk}), _("Incidents")))
    with suppress(NoReverseMatch):
        links.append((reverse("referrals:case_referrals", kwargs={"case_pk": case.pk}), _("Referrals")))
    if identity_visible:
        links.append(
            (reverse("clients:subject_access_page", kwargs={"pk": case.client_id}), _("The client's data (export)"))
        )
    return links


def _case_context(request, case, *, break_glass_form=None):
    membership = request.membership
    client = case.client
    categories = access.visible_categories(membership, case)
    identity_visible = access.can_see_identity(membership, case, categories)
    contact_visible = access.can_see_contact(membership, case, categories)
    identity_rows, shown = _identity_rows(client, IDENTITY_SHOWN) if identity_visible else ([], [])
    contact_rows, contact_shown = _identity_rows(client, CONTACT_SHOWN) if contact_visible else ([], [])
    if shown or contact_shown:
        audit.record(
            request.user,
            "clients.identity_viewed",
            client,
            fields=shown + contact_shown,
            organization=membership.organization_id,
            request=request,
        )
    may_break_glass = case.is_sensitive and DataCategory.IDENTITY in categories and not identity_visible
    opened = None
    if case.is_sensitive and not access.is_on_case_team(membership, case):
        opened = (
            BreakGlassAccess.objects.filter(case=case, user=request.user, expires_at__gt=timezone.now())
            .order_by("-expires_at")
            .first()
        )
    alerts = list(
        CaseAlert.objects.filter(case=case, resolved_at__isnull=True)
        .select_related("assigned_to")
        .order_by("due_at", "created_at")
    )
    for alert in alerts:
        alert.case = case
        alert.may_resolve = records_services.may_resolve(membership, alert)
    pending_links = 0
    if identity_visible:
        pending_links = LinkRequest.objects.filter(
            candidate_id=case.client_id, status=LinkRequest.Status.PENDING
        ).count()
    return {
        "case": case,
        "client": client,
        "name": access.display_name(membership, case, categories=categories),
        "spoken_code": codes.spoken(client.code),
        "categories": sorted(DataCategory(value).label for value in categories),
        "every_category": len(categories) == len(DataCategory.values),
        "identity_visible": identity_visible,
        "identity_shared": DataCategory.IDENTITY in categories,
        "contact_visible": contact_visible,
        "contact_shared": DataCategory.CONTACT in categories,
        "identity_rows": identity_rows,
        "contact_rows": contact_rows,
        "may_break_glass": may_break_glass,
        "break_glass_form": break_glass_form or (BreakGlassForm() if may_break_glass else None),
        "break_glass_minutes": records_services.break_glass_minutes(),
        "opened": opened,
        "alerts": alerts,
        "pending_links": pending_links,
        "may_supervise": membership.allows(Action.SUPERVISE_CASES),
        "may_edit_identity": identity_visible,
        "links": _case_links(membership, case, categories, identity_visible),
        "contact_edit_refusal": CONTACT_NEEDS_IDENTITY if contact_visible and not identity_visible else "",
    }


def _case(request, pk):
    return access.get_case_for_member(request.membership, pk)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def case_detail(request, pk):
    case = _case(request, pk)
    return render(request, "clients/records/case.html", _case_context(request, case))


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
@reauthentication_required(return_to="clients:case_detail")
def break_glass(request, pk):
    case = _case(request, pk)
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        try:
            records_services.break_glass_open(
                actor=request.user,
                membership=request.membership,
                case=case,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.warning(
                request,
                _("You can see this identity for %(minutes)d minutes. Your supervisors have been told.")
                % {"minutes": records_services.break_glass_minutes()},
            )
            return redirect("clients:case_detail", pk=case.pk)
    context = _case_context(request, case, break_glass_form=form)
    return render(request, "clients/records/case.html", context, status=400)


@object_scoped(Action.VIEW_PERSONAL_DATA)
def identity_edit(request, pk):
    case = _case(request, pk)
    membership = request.membership
    categories = access.visible_categories(membership, case)
    if not access.can_see_identity(membership, case, categories):
        if access.can_see_contact(membership, case, categories):
            # Contact details are visible here but not who the client is: say why they cannot be changed.
            context = {"case": case, "client": case.client, "form": None, "refusal": CONTACT_NEEDS_IDENTITY}
            return render(request, "clients/records/identity_form.html", context, status=403)
        raise PermissionDenied
    shown = [category for category in (DataCategory.IDENTITY, DataCategory.CONTACT) if category in categories]
    form = IdentityForm(posted(request), client=case.client, categories=shown)
    if request.method == "POST" and form.is_valid():
        try:
            client_update_identity(
                actor=request.user, membership=membership, case=case, values=form.values(), request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("clients:case_detail", pk=case.pk)
    if request.method == "GET":
        # The form is filled with the identity: that is a read, like the case page.
        audit.record(
            request.user,
            "clients.identity_viewed",
            case.client,
            fields=[name for name in form.shown_fields() if name != "birth_date_is_estimated"],
            organization=membership.organization_id,
            request=request,
        )
    context = {"case": case, "client": case.client, "form": form}
    return render(request, "clients/records/identity_form.html", context, status=400 if form.errors else 200)


@object_scoped(Action.SUPERVISE_CASES)
def case_assignment(request, pk):
    case = _case(request, pk)
    form = AssignmentForm(
        posted(request),
        organization_id=request.membership.organization_id,
        initial={"caseworker": case.caseworker_id, "supervisor": case.supervisor_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = records_services.case_assign(
                actor=request.user,
                membership=request.membership,
                case=case,
                caseworker=form.cleaned_data["caseworker"],
                supervisor=form.cleaned_data["supervisor"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Assignment saved.") if changed else _("Nothing was changed."))
            return redirect("clients:case_detail", pk=case.pk)
    context = {"case": case, "form": form, "name": access.display_name(request.membership, case)}
    return render(request, "clients/records/assignment.html", context, status=400 if form.errors else 200)


@object_scoped(Action.SUPERVISE_CASES)
def case_sensitivity(request, pk):
    case = _case(request, pk)
    form = SensitivityForm(posted(request), initial={"sensitivity": case.sensitivity})
    if request.method == "POST" and form.is_valid():
        try:
            changed = records_services.case_sensitivity_set(
                actor=request.user,
                membership=request.membership,
                case=case,
                sensitivity=form.cleaned_data["sensitivity"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Sensitivity saved.") if changed else _("Nothing was changed."))
            return redirect("clients:case_detail", pk=case.pk)
    context = {"case": case, "form": form, "name": access.display_name(request.membership, case)}
    return render(request, "clients/records/sensitivity.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------------------------------------
# Alerts


def _visible_alert(membership, pk) -> CaseAlert:
    try:
        return (
            CaseAlert.objects.select_related("case")
            .filter(case__in=access.visible_cases(membership).values("pk"))
            .get(pk=pk)
        )
    except (CaseAlert.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@require_POST
@object_scoped(Action.VIEW_PERSONAL_DATA)
def alert_resolve(request, pk):
    alert = _visible_alert(request.membership, pk)
    if not records_services.may_resolve(request.membership, alert):
        raise PermissionDenied
    records_services.alert_resolve(actor=request.user, membership=request.membership, alert=alert, request=request)
    messages.success(request, _("Marked as done."))
    return redirect(_safe_next(request, reverse("clients:case_detail", kwargs={"pk": alert.case_id})))


@role_required(Action.VIEW_PERSONAL_DATA)
def alert_inbox(request):
    alerts = queries.inbox_alerts(request.membership)
    page = queries.paged(alerts, request.GET.get("page"), per_page=ALERTS_PER_PAGE)
    for alert in page.object_list:
        alert.may_resolve = records_services.may_resolve(request.membership, alert)
    return render(request, "clients/records/alerts.html", {"page": page})


# ---------------------------------------------------------------------------------------------
# Link requests addressed to our clients


@role_required(Action.VIEW_PERSONAL_DATA)
def link_request_list(request):
    requests = queries.addressed_link_requests(request.membership)
    page = queries.paged(requests, request.GET.get("page"), per_page=CASES_PER_PAGE)
    return render(request, "clients/records/link_requests.html", {"page": page})


@object_scoped(Action.VIEW_PERSONAL_DATA)
def link_request_detail(request, pk):
    membership = request.membership
    link_request = queries.get_addressed_link_request(membership, pk)
    case = access.case_of_client(membership, link_request.candidate_id)
    may_decide = access.can_see_identity(membership, case)
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        if not may_decide:
            raise PermissionDenied
        try:
            if decision == "accept":
                records_services.link_request_accept(
                    actor=request.user, membership=membership, link_request=link_request, request=request
                )
                messages.success(request, _("The records are linked."))
            elif decision == "decline":
                records_services.link_request_decline(
                    actor=request.user, membership=membership, link_request=link_request, request=request
                )
                messages.success(request, _("The request was declined."))
            else:
                raise ValidationError(_("Choose to link or to decline."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            status = 400
        else:
            return redirect("clients:link_request_list")
        link_request.refresh_from_db()
    shared = records_services.link_consent_categories(link_request) if may_decide else frozenset()
    context = {
        "link_request": link_request,
        "case": case,
        "may_decide": may_decide and link_request.status == LinkRequest.Status.PENDING,
        "shared": sorted(DataCategory(value).label for value in shared),
        "name": access.display_name(membership, case),
    }
    return render(request, "clients/records/link_request.html", context, status=status)
