"""The coverage map page and its exports (see coverage.py for what is counted).

Access: every staff role may see it (coordinators and donors above all), through the
every-staff-role action VIEW_ORGANIZATIONS: the map names which organizations work where, and a
signed-in user without an active membership is refused, as the directory's access helpers would
give them nothing anyway (fail closed). Only counts and areas down to the district leave here.
"""

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from caseway import audit
from caseway.directory import coverage
from caseway.lib import csvsafe
from caseway.lib.access import role_required
from caseway.orgs.permissions import Action

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# format → (file suffix, with the HXL hashtag row, spreadsheet)
EXPORT_FORMATS = {
    "csv": ("csv", False, False),
    "xlsx": ("xlsx", False, True),
    "hxl_csv": ("hxl.csv", True, False),
    "hxl_xlsx": ("hxl.xlsx", True, True),
}
EXPORT_KINDS = ("coverage", "3w")
NOT_REPORTED = "–"


class CoverageFilterForm(forms.Form):
    """GET filters; every field may be left out (the defaults then apply)."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    level = forms.TypedChoiceField(
        label=_("Rows"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(level.value, level.label) for level in coverage.LEVELS],
    )
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, data, *, options: coverage.FilterOptions):
        super().__init__(data)
        self.options = options
        self.fields["country"].choices = [(c.pcode, c.localized_name()) for c in options.countries]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (term.code, term.localized_name()) for term in options.categories
        ]

    def scope(self, membership) -> coverage.Scope | None:
        """The scope asked for (defaults filled in), or None when there is no country at all."""
        data = self.cleaned_data
        country = self.options.country(data.get("country") or "") or self.options.default_country(membership)
        if country is None:
            return None
        return coverage.build_scope(
            membership,
            self.options,
            country=country,
            level=data.get("level") or coverage.DEFAULT_LEVEL,
            category=self.options.category(data.get("category") or ""),
        )


def _filters(request):
    form = CoverageFilterForm(request.GET, options=coverage.filter_options())
    return form, (form.scope(request.membership) if form.is_valid() else None)


def _query_string(scope, **changes) -> str:
    values = {
        "country": scope.country.pcode,
        "level": scope.level,
        "category": scope.category.code if scope.category else "",
    }
    values.update(changes)
    return urlencode({key: value for key, value in values.items() if value})


@require_GET
@role_required(Action.VIEW_ORGANIZATIONS)
def coverage_map(request):
    form, scope = _filters(request)
    table = coverage.coverage_table(scope) if scope is not None else None
    context = {"form": form, "table": table}
    if scope is not None:
        query = _query_string(scope)
        context["downloads"] = [
            (reverse(f"coverage:{kind}_{fmt}") + "?" + query, kind, fmt)
            for kind in EXPORT_KINDS
            for fmt in EXPORT_FORMATS
        ]
        context["all_categories"] = "?" + _query_string(scope, category="")
        context.update(_presented(table, None if scope.category else scope))
    return render(request, "directory/coverage/map.html", context)


def _display(measure, value):
    if value is not None:
        return value
    return NOT_REPORTED if measure.none_text is None else measure.none_text


def _presented(table, drill_down_scope) -> dict:
    """The table as the template walks it: (gap, values in measure order, unmet need) per cell and
    total. A gap shows only the measures marked ``shown_in_gaps`` (the clients' "needs"), not the
    directory's zeros."""

    def shown(values):
        # A total can be a gap too: a district with nothing, a category absent from the country.
        gap = not values["services"]
        shown_values = [_display(m, values[m.key]) for m in table.measures if m.shown_in_gaps or not gap]
        return gap, shown_values, gap and coverage.unmet(values)

    header = [
        (column, "?" + _query_string(drill_down_scope, category=column.code) if drill_down_scope else None)
        for column in table.columns
    ]
    lines = [(line.row, [shown(cell.values) for cell in line.cells], shown(line.totals)) for line in table.lines()]
    footer = [shown(table.column_totals[column.key]) for column in table.columns]
    notes = [measure.note for measure in table.measures if measure.note]
    return {"header": header, "lines": lines, "footer": footer, "grand_total": shown(table.total), "notes": notes}


def _filename(scope, kind, suffix) -> str:
    # Codes and a date only: nothing personal, nothing that needs escaping.
    parts = ["caseway", "coverage" if kind == "coverage" else "3w"]
    if scope is not None:
        parts += [scope.country.pcode, f"adm{scope.level}"]
        if scope.category is not None:
            parts.append(scope.category.code.replace(".", "-"))
    parts.append(timezone.localdate().isoformat())
    return "-".join(parts) + "." + suffix


@require_GET
@role_required(Action.VIEW_ORGANIZATIONS)
def export(request, kind, fmt):
    form, scope = _filters(request)
    if not form.is_valid():
        return HttpResponseBadRequest(gettext("These filters are not valid."))
    suffix, with_hxl, spreadsheet = EXPORT_FORMATS[fmt]
    if scope is None:  # no areas loaded yet: the columns, and no rows
        columns = coverage.coverage_columns() if kind == "coverage" else coverage.WHO_COLUMNS
        header, hashtags, rows = [name for name, _tag in columns], [tag for _name, tag in columns], []
    elif kind == "coverage":
        header, hashtags, rows = coverage.coverage_long_form(coverage.coverage_table(scope))
    else:
        header, hashtags, rows = coverage.who_does_what_where(scope)
    lines = [header, hashtags, *rows] if with_hxl else [header, *rows]
    if spreadsheet:
        content = csvsafe.xlsx_bytes(
            lines,
            title=gettext("Coverage") if kind == "coverage" else gettext("Who does what where"),
            header_rows=2 if with_hxl else 1,
            right_to_left=translation.get_language_bidi(),
        )
    else:
        content = csvsafe.csv_bytes(lines)
    audit.record(
        request.user,
        "directory.coverage_exported",
        None,
        fields=["format"] if kind == "coverage" else ["format", "organization"],
        request=request,
    )
    response = HttpResponse(content, content_type=XLSX_TYPE if spreadsheet else CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, _filename(scope, kind, suffix))
    response["Cache-Control"] = "no-store"
    return response
