"""Indicator downloads (CSV, HXL CSV, XLSX) and the printable report, for staff and the public.

Thin: the form checks the filters (a clear 400 otherwise), ``exports.build`` reads the protected
tables (``queries.indicator_values``: the viewer's scope, or 404), ``exports.render`` writes the
file. Every download is audited with the format, period, scope kind, disaggregation and indicator
codes: names, never numbers.

Who: coordinators (any scope, the network by default) and organization staff (their organization);
other roles get 403 (audited). The public downloads (``transparency`` namespace) need no sign-in:
the network only, never by organization, no text naming an organization, and the published
quarters only, read from frozen snapshots (``exports.public_tables``): a request without sign-in
never computes anything, so a flood of them costs reads of stored rows. Each is still audited
(there is no rate limiter to thin the rows out: django-axes guards the login only).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from caseway import audit
from caseway.indicators import exports, queries
from caseway.indicators.forms_exports import ExportFilterForm
from caseway.lib import disclosure
from caseway.lib.access import ROLE, authenticated, public
from caseway.orgs.permissions import Action

TEXT_TYPE = "text/plain; charset=utf-8"


def indicator_viewers(view):
    """Signed in, and the role may see the network's indicators, its organization's or those of the
    organizations it funds (three actions of the role table, any one); anyone else 403, audited by
    the error page. Declared ``role`` without a single action, since no one action names them all."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not exports.may_export(getattr(request, "membership", None)):
            raise PermissionDenied(Action.VIEW_ORGANIZATION_INDICATORS)
        return view(request, *args, **kwargs)

    guarded = authenticated(wrapper)
    guarded.caseway_access = ROLE
    guarded.caseway_action = None
    return guarded


def _bad_request(form: ExportFilterForm) -> HttpResponse:
    return HttpResponse(form.errors_text(), status=400, content_type=TEXT_TYPE)


def scope_kind(export: exports.Export) -> str:
    if export.funded:
        return "funded"
    return "network" if export.scope.is_network else "organizations"


def audit_fields(kind: str, export: exports.Export) -> list[str]:
    return [
        kind,
        export.period.key,
        scope_kind(export),
        *(f"by:{dimension.key}" for dimension in export.dimensions),
        *export.codes,
    ]


def query_string(filters: dict) -> str:
    """The filters as they came, for links from one format to the others."""
    values = {
        "period": filters["period"].key,
        "scope": filters["scope"].key if filters.get("scope") else "",
        "dimensions": ",".join(filters.get("dimensions") or ()),
        "indicator": ",".join(filters.get("indicators") or ()),
    }
    return urlencode({name: value for name, value in values.items() if value})


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _download(request, kind: str, *, is_public: bool):
    form = ExportFilterForm(request.GET, public=is_public)
    if not form.is_valid():
        return _bad_request(form)
    try:
        export = exports.build(membership=getattr(request, "membership", None), public=is_public, **form.filters())
        content, content_type, name = exports.render(export, kind)
    except ValueError as error:
        # A breakdown an indicator does not allow is bad input; a public file that would name an
        # organization, or whose figures are not published, is refused whole (the message does
        # not repeat the name).
        return HttpResponse(str(error), status=409 if is_public else 400, content_type=TEXT_TYPE)
    actor = request.user if request.user.is_authenticated else None
    action = "indicators.public_exported" if is_public else "indicators.exported"
    audit.record(actor, action, None, fields=audit_fields(kind, export), request=request)
    return _attachment(content, content_type, name)


@require_GET
@indicator_viewers
def export_csv(request):
    return _download(request, exports.CSV, is_public=False)


@require_GET
@indicator_viewers
def export_xlsx(request):
    return _download(request, exports.XLSX, is_public=False)


@require_GET
@indicator_viewers
def export_hxl(request):
    return _download(request, exports.HXL, is_public=False)


@require_GET
@public
def public_csv(request):
    return _download(request, exports.CSV, is_public=True)


@require_GET
@public
def public_xlsx(request):
    return _download(request, exports.XLSX, is_public=True)


@require_GET
@public
def public_hxl(request):
    return _download(request, exports.HXL, is_public=True)


# ---------------------------------------------------------------------------------------------
# The printable report


def export_links(filters: dict, *, namespace: str = "indicators") -> list[tuple[str, str]]:
    """(label, URL) of each download of the same figures."""
    query = query_string(filters)
    names = (("CSV", "export_csv"), ("XLSX", "export_xlsx"), (_("HXL (CSV with hashtags)"), "export_hxl"))
    return [(label, reverse(f"{namespace}:{name}") + ("?" + query if query else "")) for label, name in names]


@require_GET
@indicator_viewers
def report(request):
    """One period's indicators on paper (print stylesheet): figures, definitions, targets."""
    form = ExportFilterForm(request.GET)
    context = {"form": form, "marker": disclosure.MARKER}
    if not form.is_valid():
        return render(request, "indicators/report.html", context, status=400)
    filters = form.filters()
    membership = request.membership
    try:
        export = exports.build(membership=membership, **filters)
    except ValueError as error:
        form.add_error("dimensions", str(error))
        return render(request, "indicators/report.html", context, status=400)
    # Targets are set for the network or one organization: a donor's report has none.
    targets = () if export.funded else queries.progress(membership=membership, period=export.period, scope=export.scope)
    audit.record(request.user, "indicators.report_viewed", None, fields=audit_fields("report", export), request=request)
    context.update(
        {
            "export": export,
            "figures": report_figures(export, targets),
            "legend": disclosure.legend(export.threshold),
            "downloads": export_links(filters),
            "dimension_labels": [str(dimension.label) for dimension in export.dimensions],
        }
    )
    return render(request, "indicators/report.html", context)


def report_figures(export: exports.Export, targets) -> list[dict]:
    """Per indicator: its table's lines (a total alone without disaggregation) and its target."""
    by_indicator = {target.table.code: target for target in targets}
    figures = []
    for table in export.tables:
        figures.append(
            {
                "table": table,
                "unit": str(exports.unit_label(table.unit)),
                "lines": [
                    {
                        "labels": [_("Total") if category is None else category[1] for category in line.categories],
                        "value": exports.shown_value(line.cell),
                        "numerator": exports.numerator_of(table, line.cell),
                        "denominator": exports.denominator_of(table, line.cell),
                        "is_total": all(category is None for category in line.categories),
                    }
                    for line in exports.lines(table)
                ],
                "progress": by_indicator.get(table.code),
            }
        )
    return figures
