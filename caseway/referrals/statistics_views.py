"""The network referral statistics page and its CSV (coordinators; aggregates only, small cells hidden).

Thin: the role table decides who comes in (403, audited, like every role-gated page), the form
validates the filters, ``statistics.network_statistics`` counts and suppresses (and checks the
viewer again). Downloads are audited with the names of the tables, never their numbers.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from caseway import audit
from caseway.lib import csvsafe, disclosure
from caseway.lib.access import role_required
from caseway.orgs.permissions import Action
from caseway.referrals import statistics
from caseway.referrals.statistics_forms import StatisticsFilterForm

CSV_TYPE = "text/csv; charset=utf-8"


def _form(request) -> StatisticsFilterForm:
    return StatisticsFilterForm(request.GET or None, options=statistics.filter_options())


def _query_string(filters: statistics.Filters) -> str:
    values = {
        "from": filters.period.start.isoformat(),
        "to": filters.period.end.isoformat(),
        "urgency": filters.urgency,
        "category": filters.category.code if filters.category else "",
        "organization": filters.organization.pk if filters.organization else "",
    }
    return urlencode({name: value for name, value in values.items() if value})


def figure_text(figure: statistics.Figure) -> str:
    """A figure in words: "83 %", "5.5 hours", "2.5 days", or the marker when hidden."""
    if figure.value is None:
        return str(disclosure.MARKER)
    if figure.unit == "share":
        return _("%(percent)s %%") % {"percent": number_format(round(figure.value * 100))}
    if figure.unit == "hours" and figure.value >= 48:
        return _("%(days)s days") % {"days": number_format(figure.value / 24, 1)}
    if figure.unit == "hours":
        return _("%(hours)s hours") % {"hours": number_format(figure.value, 1)}
    return number_format(figure.value)


def _unit_label(unit: str) -> str:
    return _("People") if unit == statistics.PEOPLE else _("Referrals")


@require_GET
@role_required(Action.VIEW_NETWORK_STATISTICS)
def statistics_page(request):
    form = _form(request)
    context = {"form": form, "legend": disclosure.legend(), "marker": disclosure.MARKER}
    if form.is_bound and not form.is_valid():
        return render(request, "referrals/statistics/page.html", context, status=400)
    filters = form.filters()
    result = statistics.network_statistics(membership=request.membership, filters=filters)
    context.update(
        {
            "stats": result,
            "figures": [(figure, figure_text(figure)) for figure in result.figures],
            "tables": [(table, _unit_label(table.unit)) for table in result.referral_tables],
            "people_tables": [(table, _unit_label(table.unit)) for table in result.people_tables],
            "csv_url": reverse("referrals:statistics_csv") + "?" + _query_string(filters),
        }
    )
    return render(request, "referrals/statistics/page.html", context)


def csv_rows(result: statistics.NetworkStatistics) -> list[list]:
    """The statistics in long form: one row per figure and cell (table, row, column, value, unit).

    Hidden values carry the marker; the filters come first and the legend last, so the file says
    what it counts and why some values are missing.
    """
    marker = str(disclosure.MARKER)
    filters = result.filters

    def value(number):
        return marker if number is None else number

    total = _("Total")
    rows = [[_("Table"), _("Row"), _("Column"), _("Value"), _("Unit")]]
    rows.append([_("Filter"), _("From"), "", filters.period.start.isoformat(), ""])
    rows.append([_("Filter"), _("To"), "", filters.period.end.isoformat(), ""])
    rows.append([_("Filter"), _("Urgency"), "", filters.urgency or _("Any urgency"), ""])
    rows.append(
        [_("Filter"), _("Category"), "", filters.category.localized_name() if filters.category else _("All"), ""]
    )
    rows.append(
        [
            _("Filter"),
            _("Receiving organization"),
            "",
            filters.organization.name if filters.organization else _("All"),
            "",
        ]
    )
    for figure in result.figures:
        number = figure.value
        unit = {"share": "%", "hours": _("hours"), "count": _("Referrals")}[figure.unit]
        if number is not None and figure.unit == "share":
            number = round(number * 100, 1)
        rows.append([_("Figures"), figure.label, "", value(number), unit])
    for table in result.count_tables:
        unit = _unit_label(table.unit)
        for line in table.lines:
            labels = list(line.labels) + [""] * (2 - len(line.labels))
            rows.append([table.title, labels[0], labels[1], value(line.value), unit])
        rows.append([table.title, total, "", value(table.total), unit])
    cross = result.sex_and_age
    for key_label, cells, row_total in zip(cross.rows, cross.cells, cross.row_totals, strict=True):
        for (_key, column_label), cell in zip(cross.columns, cells, strict=True):
            rows.append([cross.title, key_label[1], column_label, value(cell), _("People")])
        rows.append([cross.title, key_label[1], total, value(row_total), _("People")])
    for (_key, column_label), column_total in zip(cross.columns, cross.column_totals, strict=True):
        rows.append([cross.title, total, column_label, value(column_total), _("People")])
    rows.append([cross.title, total, total, value(cross.total), _("People")])
    rows.append([_("Note"), disclosure.legend(result.threshold), "", "", ""])
    return rows


@require_GET
@role_required(Action.VIEW_NETWORK_STATISTICS)
def statistics_csv(request):
    form = _form(request)
    if form.is_bound and not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    filters = form.filters()
    result = statistics.network_statistics(membership=request.membership, filters=filters)
    content = csvsafe.csv_bytes(csv_rows(result))
    audit.record(
        request.user,
        "referrals.statistics_exported",
        None,
        fields=["csv", *(table.key for table in result.count_tables), result.sex_and_age.key],
        request=request,
    )
    # Dates only in the name: nothing personal, nothing that needs escaping.
    name = f"caseway-referral-statistics-{filters.period.start.isoformat()}-{filters.period.end.isoformat()}.csv"
    response = HttpResponse(content, content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response
