"""The legal analytics page and its CSV (coordinators for the network, legal leads for their
organization; aggregates with small cells hidden).

Thin: the role table decides who comes in (403, audited, like every role-gated page), the form
validates the filters, ``analytics.legal_analytics`` counts, suppresses and decides the scope (and
checks the viewer again). Downloads are audited with the names of the tables, never their numbers.
The CSV holds the suppressed tables only, never the organization's list of delayed matters.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from caseway import audit
from caseway.legal import analytics
from caseway.legal.analytics_forms import AnalyticsFilterForm
from caseway.lib import csvsafe, disclosure
from caseway.lib.access import role_required
from caseway.orgs.permissions import Action

CSV_TYPE = "text/csv; charset=utf-8"
BAR_WIDTH = 120  # the widest bar of the time-in-stage chart, in SVG units


def analytics_form(data) -> AnalyticsFilterForm:
    return AnalyticsFilterForm(data or None, forums=analytics.forum_options())


def _query_string(filters: analytics.Filters) -> str:
    values = {
        "from": filters.opened_from.isoformat() if filters.opened_from else "",
        "to": filters.opened_to.isoformat() if filters.opened_to else "",
        "type": filters.type,
        "forum": filters.jurisdiction.code if filters.jurisdiction else "",
    }
    return urlencode({name: value for name, value in values.items() if value})


def _bars(result: analytics.LegalAnalytics, rtl: bool) -> list[tuple]:
    """(stage time, bar length, bar start) per stage: bars scaled to the longest median shown,
    drawn from the start of the line in either direction of writing."""
    longest = max((entry.median_days or 0 for entry in result.time_in_stage), default=0)
    bars = []
    for entry in result.time_in_stage:
        length = round(BAR_WIDTH * entry.median_days / longest) if entry.median_days and longest else 0
        bars.append((entry, length, BAR_WIDTH - length if rtl else 0))
    return bars


@require_GET
@role_required(Action.VIEW_LEGAL_ANALYTICS)
def analytics_page(request):
    form = analytics_form(request.GET)
    context = {"form": form, "legend": analytics.legend(), "marker": disclosure.MARKER}
    if form.is_bound and not form.is_valid():
        return render(request, "legal/analytics.html", context, status=400)
    filters = form.filters()
    result = analytics.legal_analytics(membership=request.membership, filters=filters)
    query = _query_string(filters)
    context.update(
        {
            "stats": result,
            "network": result.scope == analytics.NETWORK,
            "bars": _bars(result, translation.get_language_bidi()),
            "bar_width": BAR_WIDTH,
            "csv_url": reverse("legal:analytics_csv") + ("?" + query if query else ""),
        }
    )
    return render(request, "legal/analytics.html", context)


def filter_rows(filters: analytics.Filters) -> list[list]:
    return [
        [_("Filter"), _("Opened from"), "", filters.opened_from.isoformat() if filters.opened_from else _("Any day")],
        [_("Filter"), _("Opened until"), "", filters.opened_to.isoformat() if filters.opened_to else _("Any day")],
        [_("Filter"), _("Type of matter"), "", filters.type or _("Any type")],
        [_("Filter"), _("Forum"), "", filters.jurisdiction.name if filters.jurisdiction else _("Every forum")],
    ]


def csv_rows(result: analytics.LegalAnalytics) -> list[list]:
    """The analytics in long form: one row per cell (table, row, column, value, unit).

    Hidden values carry the marker; the scope and filters come first and the legend last, so the
    file says what it counts and why some values are missing.
    """
    marker = str(disclosure.MARKER)

    def value(number):
        return marker if number is None else number

    total, matters, days = _("Total"), _("Matters"), _("days")
    scope = _("The whole network") if result.scope == analytics.NETWORK else _("Your organization's matters")
    rows = [[_("Table"), _("Row"), _("Column"), _("Value"), _("Unit")]]
    rows.append([_("Scope"), scope, "", "", ""])
    rows += [[*row, ""] for row in filter_rows(result.filters)]
    rows.append([_("Filter"), _("Delayed after"), "", result.delay_days, days])
    for table in result.count_tables:
        for line in table.lines:
            rows.append([table.title, line.label, "", value(line.value), matters])
        rows.append([table.title, total, "", value(table.total), matters])
    title = _("Time in each stage")
    for entry in result.time_in_stage:
        rows.append([title, entry.label, _("Periods"), value(entry.periods), _("Periods")])
        median = None if entry.median_days is None else round(entry.median_days, 1)
        rows.append([title, entry.label, _("Median"), "" if entry.periods == 0 else value(median), days])
    for cross in result.outcome_tables:
        for _key, label, cells, row_total in cross.lines():
            for (_column, column_label), cell in zip(cross.columns, cells, strict=True):
                rows.append([cross.title, label, column_label, value(cell), matters])
            rows.append([cross.title, label, total, value(row_total), matters])
        for (_column, column_label), column_total in zip(cross.columns, cross.column_totals, strict=True):
            rows.append([cross.title, total, column_label, value(column_total), matters])
        rows.append([cross.title, total, total, value(cross.total), matters])
    rows.append([_("Note"), analytics.legend(result.threshold), "", "", ""])
    return rows


def table_keys(result: analytics.LegalAnalytics) -> list[str]:
    return [
        *(table.key for table in result.count_tables),
        "time_in_stage",
        *(cross.key for cross in result.outcome_tables),
    ]


@require_GET
@role_required(Action.VIEW_LEGAL_ANALYTICS)
def analytics_csv(request):
    form = analytics_form(request.GET)
    if form.is_bound and not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    result = analytics.legal_analytics(membership=request.membership, filters=form.filters())
    content = csvsafe.csv_bytes(csv_rows(result))
    audit.record(request.user, "legal.analytics_exported", None, fields=["csv", *table_keys(result)], request=request)
    # The day only in the name: nothing personal, nothing that needs escaping.
    name = f"caseway-legal-analytics-{result.generated_at.date().isoformat()}.csv"
    response = HttpResponse(content, content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response
