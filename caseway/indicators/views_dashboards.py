"""The indicators dashboards: the network (coordinators), an organization (its staff, or a
coordinator), what a donor funds, and the public transparency page; targets and who funds whom.

Thin: the role table decides who comes in (403), the access helpers which scope (404), the form
the filters (GET: every view is a plain link; htmx swaps ``#results`` when it is there), and
``queries.indicator_values`` / ``funded.funded_values`` every figure, protected by lib.disclosure.
A dashboard costs a fixed number of queries whatever the data: the library's totals, one
indicator over six periods, its breakdown, and the targets.
"""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caseway.indicators import access, charts, exports, funded, queries
from caseway.indicators.dimensions import DIMENSIONS
from caseway.indicators.forms import (
    NETWORK,
    DashboardFilterForm,
    FundingEndForm,
    FundingForm,
    TargetForm,
    default_period,
    trend_periods,
)
from caseway.indicators.forms_exports import PublicFilterForm
from caseway.indicators.models import Direction, FundedOrganization, Unit
from caseway.indicators.periods import Period, Scope
from caseway.indicators.services import target_set
from caseway.lib import disclosure
from caseway.lib.access import object_scoped, public, role_required
from caseway.lib.forms import NOT_DONE, submit
from caseway.lib.htmx import render_page_or_results
from caseway.orgs.models import Organization
from caseway.orgs.permissions import Action

KINDS = {"network", "organization", "funded", "public"}


def _dimensions(*, by_organization: bool) -> list:
    return [dimension for dimension in DIMENSIONS.values() if dimension.public or by_organization]


def _requested_period(request) -> Period:
    try:
        return Period.parse(request.GET.get("period", ""))
    except ValueError:
        return default_period(timezone.localdate())


def _number(value) -> str:
    if value is None:
        return ""
    return number_format(value.normalize() if hasattr(value, "normalize") else value, force_grouping=True)


def _progress_rows(progress, rtl):
    """The targets of the period: a bar per target (how far from the baseline to the target, 100 %
    reached) and a table of the same."""
    rows, bars = [], []
    for entry in progress:
        name = entry.indicator.localized_name()
        if entry.achieved is None:
            text = str(disclosure.MARKER) if entry.table.total.suppressed else charts.NOTHING
            value = None
        else:
            value = round(entry.achieved * 100, 1)  # below 0: worse than the baseline, said as it is
            text = _("%(value)s%%") % {"value": number_format(value, 0)}
        bars.append(charts.Bar(name, value, text))
        rows.append(
            {
                "name": name,
                "baseline": _number(entry.target.baseline),
                "target": _number(entry.target.target),
                "reached": charts.figure(entry.table.total, entry.table.unit),
                "progress": text,
                "met": entry.reached,
            }
        )
    chart = charts.bar_chart(bars, title=_("Progress towards the targets"), unit=Unit.PERCENT, rtl=rtl)
    return rows, chart


def _dashboard(request, *, kind, template, values, dimensions, context, progress=None, form_class=DashboardFilterForm):
    """The page common to every dashboard. ``values(indicators=, period=, dimensions=)``: the
    protected tables of the viewer; ``progress(period)``: the targets with their progress;
    ``form_class(data, indicators=, dimensions=)``: the filters."""
    rtl = translation.get_language_bidi()
    library = queries.current_indicators()
    form = form_class(request.GET, indicators=library, dimensions=dimensions)
    context = {
        **context,
        "kind": kind,
        "form": form,
        "action": request.path,
        "legend": disclosure.legend(),
        "marker": disclosure.MARKER,
    }
    if not form.is_valid():
        return render_page_or_results(request, template, context, status=400)
    filters = form.filters()
    indicator = filters.indicator
    try:
        summary = values(indicators=None, period=filters.period, dimensions=())
        periods = trend_periods(filters.period)
        over_time = [
            table
            for period in periods[:-1]
            for table in values(indicators=[indicator.code], period=period, dimensions=())
        ]
        chosen = [table for table in summary if table.code == indicator.code]
        split = values(indicators=[indicator.code], period=filters.period, dimensions=filters.dimensions)
    except ValueError as error:  # a breakdown this viewer may not have
        form.add_error("by", str(error))
        return render_page_or_results(request, template, context, status=400)
    name = indicator.localized_name()
    rows = []
    for table in summary:
        query = urlencode(filters.query(indicator=table.code))
        rows.append(
            {
                "name": table.indicator.localized_name(),
                "query": query,
                "current": table.code == indicator.code,
                "line": charts.line_of(table.indicator.localized_name(), table.total, table.unit),
            }
        )
    context.update(
        {
            "filters": filters,
            "summary": rows,
            "indicator": indicator,
            "name": name,
            "definition": indicator.localized_definition(),
            "unit": Unit(indicator.unit).label,
            "direction": Direction(indicator.direction).label,
            "trend": charts.trend(
                [*over_time, *chosen], title=_("%(indicator)s over time") % {"indicator": name}, rtl=rtl
            ),
            "breakdown": _breakdown(split, name, rtl) if split and filters.dimensions else None,
            "not_broken_down": bool(filters.dimensions) and not split,
            "export_query": urlencode(
                {
                    **filters.query(),
                    **({"scope": f"org:{context['organization_pk']}"} if kind == "organization" else {}),
                }
            ),
            "public_page": kind == "public",
        }
    )
    if progress is not None:
        context["progress_rows"], context["progress_chart"] = _progress_rows(progress(filters.period), rtl)
        context["progress_shown"] = True
    return render_page_or_results(request, template, context)


def _breakdown(split, name, rtl):
    groups = [str(DIMENSIONS[key].label) for key in split[0].dimensions]
    if len(groups) == 1:
        title = _("%(indicator)s by %(group)s") % {"indicator": name, "group": groups[0]}
    else:
        title = _("%(indicator)s by %(group)s and %(other)s") % {
            "indicator": name,
            "group": groups[0],
            "other": groups[1],
        }
    return charts.breakdown(split[0], title=title, rtl=rtl)


# ---------------------------------------------------------------------------------------------
# The network (coordinators)


@require_GET
@role_required(Action.VIEW_NETWORK_INDICATORS)
def network(request):
    membership = request.membership

    def values(**options):
        return queries.indicator_values(membership=membership, scope=Scope.network(), **options)

    def progress(period):
        return queries.progress(membership=membership, period=period, scope=Scope.network())

    organizations = Organization.objects.filter(is_active=True).only("pk", "name").order_by("name")
    return _dashboard(
        request,
        kind="network",
        template="indicators/dashboard.html",
        values=values,
        dimensions=_dimensions(by_organization=True),
        progress=progress,
        context={
            "heading": _("Network indicators"),
            "organizations": organizations,
            "targets_url": _targets_url(membership, NETWORK),
        },
    )


def _targets_url(membership, scope_key) -> str:
    organization_id = None if scope_key == NETWORK else scope_key
    if not access.may_manage_targets(membership, organization_id):
        return ""
    return reverse("indicators:targets") + "?" + urlencode({"for": scope_key})


# ---------------------------------------------------------------------------------------------
# One organization (its staff; coordinators)


@require_GET
@role_required(Action.VIEW_ORGANIZATION_INDICATORS)
def organization_home(request):
    return redirect("indicators:organization", pk=request.membership.organization_id)


@require_GET
@object_scoped()
def organization(request, pk):
    membership = request.membership
    if not access.may_view_any(membership):
        raise PermissionDenied(Action.VIEW_ORGANIZATION_INDICATORS)
    scope = access.check_scope(membership, Scope.of(pk))
    chosen = get_object_or_404(Organization.objects.only("pk", "name"), pk=pk, is_active=True)

    def values(**options):
        return queries.indicator_values(membership=membership, scope=scope, **options)

    def progress(period):
        return queries.progress(membership=membership, period=period, scope=scope)

    return _dashboard(
        request,
        kind="organization",
        template="indicators/dashboard.html",
        values=values,
        dimensions=_dimensions(by_organization=False),
        progress=progress,
        # A coordinator reads one organization out of the network's tables: one breakdown at a time.
        form_class=partial(DashboardFilterForm, pairs=not access.may_view_network(membership)),
        context={
            "heading": _("Indicators of %(organization)s") % {"organization": chosen.name},
            "organization_pk": chosen.pk,
            "targets_url": _targets_url(membership, str(chosen.pk)),
            "network_url": reverse("indicators:network") if access.may_view_network(membership) else "",
        },
    )


# ---------------------------------------------------------------------------------------------
# What a donor funds


@require_GET
@role_required(Action.VIEW_FUNDED_INDICATORS)
def funded_dashboard(request):
    membership = request.membership
    period = _requested_period(request)
    ids = funded.funded_organization_ids(membership, period)
    names = list(Organization.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True))

    def values(**options):
        return funded.funded_values(membership=membership, **options)[1]

    return _dashboard(
        request,
        kind="funded",
        template="indicators/dashboard.html",
        values=values,
        dimensions=_dimensions(by_organization=funded.may_break_down_by_organization(ids)),
        context={
            "heading": _("Results of what you fund"),
            "funded_names": names,
            "funds_nobody": not ids,
        },
    )


# ---------------------------------------------------------------------------------------------
# The public transparency page (no sign-in; the network only, never an organization)


@require_GET
@public
def transparency(request):
    """The published quarters only, from frozen snapshots (``exports.public_tables``): never a
    figure computed live for someone who has not signed in, and no period to subtract from another."""
    periods = exports.published_periods()
    if not periods:
        return render_page_or_results(request, "indicators/transparency.html", {"nothing_published": True})

    def values(*, indicators, period, dimensions):
        tables = exports.public_tables(indicators=indicators, period=period, dimensions=dimensions)
        _refuse_organization_names(tables)
        return tables

    return _dashboard(
        request,
        kind="public",
        template="indicators/transparency.html",
        values=values,
        dimensions=_dimensions(by_organization=False),
        context={},
        form_class=partial(PublicFilterForm, periods=periods),
    )


def _refuse_organization_names(tables) -> None:
    """The last check before a public page leaves (GBVIMS rule): no label names an organization."""
    # The library's own texts are fixed data (migrations); the categories come from the database.
    labels = [str(label) for table in tables for _key, label in (*table.rows, *table.columns)]
    if not labels:
        return
    try:
        disclosure.refuse_organization_names(labels, exports.organization_identifiers())
    except ValueError:
        raise Http404 from None  # fail closed: show nothing rather than a name


# ---------------------------------------------------------------------------------------------
# Targets and baselines


@require_http_methods(["GET", "POST"])
@role_required(Action.MANAGE_INDICATOR_TARGETS)
def targets(request):
    membership = request.membership
    network_wide = access.may_view_network(membership)
    if network_wide:
        organizations = list(Organization.objects.filter(is_active=True).only("pk", "name").order_by("name"))
    else:
        organizations = [membership.organization]
    library = queries.current_indicators()
    chosen_for = request.GET.get("for") or (NETWORK if network_wide else str(membership.organization_id))
    period = _requested_period(request)
    initial = {"organization": chosen_for, "period": period.key}
    form = TargetForm(
        request.POST if request.method == "POST" else None,
        indicators=library,
        organizations=organizations,
        network=network_wide,
        initial=initial,
    )
    done = submit(request, form, target_set)
    if done is not NOT_DONE:
        chosen = NETWORK if done.organization_id is None else done.organization_id
        query = urlencode({"for": chosen, "period": done.period.key})
        return redirect(reverse("indicators:targets") + "?" + query)
    allowed = {NETWORK} if network_wide else set()
    allowed |= {str(organization.pk) for organization in organizations}
    if chosen_for not in allowed:
        raise Http404
    scope = Scope.network() if chosen_for == NETWORK else Scope.of(chosen_for)
    progress = queries.progress(membership=membership, period=period, scope=scope)
    rows, chart = _progress_rows(progress, translation.get_language_bidi())
    label = (
        _("The whole network") if scope.is_network else next(o.name for o in organizations if str(o.pk) == chosen_for)
    )
    context = {
        "form": form,
        "rows": rows,
        "chart": chart,
        "period": period,
        "for_label": label,
        "dashboard_url": reverse("indicators:network")
        if scope.is_network
        else reverse("indicators:organization", kwargs={"pk": chosen_for}),
    }
    return render(request, "indicators/targets.html", context, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------------------------------------
# Who funds whom (coordinators), until the funding app records grants


@require_http_methods(["GET", "POST"])
@role_required(Action.RECORD_FUNDING)
def funding(request):
    form = FundingForm(request.POST if request.method == "POST" else None)
    done = submit(request, form, funded.funding_record)
    if done is not NOT_DONE:
        return redirect("indicators:funding")
    context = {"form": form, "links": funded.funding_links(), "end_form": FundingEndForm()}
    return render(request, "indicators/funding.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@role_required(Action.RECORD_FUNDING)
def funding_end(request, pk):
    link = get_object_or_404(FundedOrganization, pk=pk)
    form = FundingEndForm(request.POST)
    done = submit(request, form, funded.funding_end, link=link)
    if done is NOT_DONE:
        context = {"form": FundingForm(), "links": funded.funding_links(), "end_form": form, "failed": link.pk}
        return render(request, "indicators/funding.html", context, status=400)
    return redirect("indicators:funding")
