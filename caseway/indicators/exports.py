"""Indicator exports: CSV, HXL-tagged CSV and XLSX, built from protected tables only.

Every figure comes from ``queries.indicator_values`` (through ``lib.disclosure``: small counts
hidden, and whatever would reveal them), never from ``queries.compute``. Every text cell goes
through ``lib.csvsafe`` (no formula can run in a spreadsheet).

- **CSV**: long form, one row per figure (indicator × category or margin), a header of human
  labels, the legend of hidden values last.
- **HXL CSV**: a label row, then a hashtag row (HXL 1.1). Wide, as HXL data usually is: a row per
  category of the dimensions that are codes (``#adm1+code``, ``#org+code``; the total row has
  no code), and per indicator one value column per category of the dimensions that are HXL
  attributes (``#reached+ind+f+children+age0_4``), the indicator's total first (``+total``).
- **XLSX**: the long sheet, the HXL sheet and a notes sheet (period, scope, disaggregation,
  threshold and legend, each indicator's definition with its version, unit and source).

Public exports (``public=True``, the transparency page's downloads): the network only, never
broken down by organization (the selector refuses it), no scope naming an organization, and
``disclosure.refuse_organization_names`` checks every text cell before the file leaves. Public
figures are **published quarters only** (``published_periods``): whole quarters that have ended,
read from frozen snapshots and never computed live. One period kind, so no month can be worked out
as a quarter minus two other months; no unfinished period, republished day after day, whose
differences would tell single events apart; nothing recomputed after publication, which would
reveal a withdrawn consent or an erasure; and what a request without sign-in costs is a read of
stored rows, whatever the size of the network.
Aggregates only: nothing about a person is ever read here.
"""

import datetime
import re
from dataclasses import dataclass
from itertools import product

from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from caseway.indicators import access, funded, queries
from caseway.indicators.dimensions import Dimension, resolve
from caseway.indicators.models import Direction, Indicator, Snapshot, Unit
from caseway.indicators.periods import NETWORK, Period, PeriodKind, Scope
from caseway.lib import csvsafe, disclosure
from caseway.orgs.models import Organization

CSV, HXL, XLSX = "csv", "hxl", "xlsx"
FORMATS = (CSV, HXL, XLSX)
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ATTRIBUTE_TEXT = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True)
class Export:
    """What an export holds: protected tables of one period, scope and disaggregation."""

    tables: tuple[queries.IndicatorTable, ...]
    period: Period
    scope: Scope | None  # None: a donor that funds nobody for the whole period
    scope_label: str
    dimensions: tuple[Dimension, ...]
    public: bool
    threshold: int
    generated_at: datetime.datetime
    funded: bool = False  # a donor's: the organizations it funds

    @property
    def codes(self) -> list[str]:
        return [table.code for table in self.tables]

    def filename(self, extension: str, kind: str = "indicators") -> str:
        """Only codes and the period: nothing personal, nothing that needs escaping."""
        parts = ["caseway", "public" if self.public else "", kind, self.period.key]
        parts += [dimension.key.replace("_", "-") for dimension in self.dimensions]
        return "-".join(part for part in parts if part) + "." + extension


def scope_label(scope: Scope | None, *, public: bool) -> str:
    if scope is None:
        return _("The organizations you fund: none for the whole of this period")
    if scope.is_network:
        return _("The whole network")
    if public:  # never reached: the public sees the network only
        raise ValueError(_("Public figures cover the whole network only."))
    organizations = Organization.objects.filter(pk__in=sorted(scope.organization_ids)).order_by("name")
    return ", ".join(organization.acronym or organization.name for organization in organizations)


def is_donor(membership) -> bool:
    """A donor (and nothing more): figures of the organizations it funds (``funded``)."""
    return funded.may_view_funded(membership) and not access.may_view_any(membership)


def may_export(membership) -> bool:
    return access.may_view_any(membership) or funded.may_view_funded(membership)


def build(
    *,
    membership=None,
    public: bool = False,
    period: Period,
    scope: Scope | None = None,
    dimensions=(),
    indicators=None,
    now: datetime.datetime | None = None,
) -> Export:
    """The protected tables of an export, with what the file says about them. The selectors decide
    who sees what: ``queries.indicator_values`` (coordinators any scope, organization staff their
    own, the public the network; ``Http404`` otherwise), and for a donor ``funded.funded_values``
    (what it funds for the whole period; it chooses no other scope: ``Http404``)."""
    chosen = resolve(dimensions)
    keys = [dimension.key for dimension in chosen]
    now = now or timezone.now()
    donor = not public and is_donor(membership)
    if donor:
        funded_scope, tables = funded.funded_values(
            membership=membership, period=period, indicators=indicators, dimensions=keys, now=now
        )
        if scope is not None and scope != funded_scope:
            raise Http404
        scope = funded_scope
    elif public:
        refusal = public_period_refusal(period)
        if refusal:
            raise ValueError(refusal)
        scope = access.check_public(scope, chosen)
        tables = public_tables(indicators=indicators, period=period, dimensions=keys, now=now)
        if not tables:
            raise ValueError(_("No figures are published for this period broken down this way."))
    else:
        scope = access.check_scope(membership, scope)
        tables = queries.indicator_values(
            membership=membership, indicators=indicators, period=period, scope=scope, dimensions=keys, now=now
        )
    return Export(
        tables=tables,
        period=period,
        scope=scope,
        scope_label=scope_label(scope, public=public),
        dimensions=chosen,
        public=public,
        threshold=disclosure.threshold(),
        generated_at=now,
        funded=donor,
    )


# ---------------------------------------------------------------------------------------------
# What the public sees: published quarters, from frozen snapshots only

PUBLIC_PERIOD_KIND = PeriodKind.QUARTER
PUBLIC_PERIODS_LISTED = 8


def _frozen_network_snapshots(period: Period, dimensions=()):
    return Snapshot.objects.filter(
        period_kind=period.kind,
        period_start=period.start,
        scope=NETWORK,
        dimensions=queries.dimensions_key(dimensions),
        frozen_at__isnull=False,
    )


def published_periods(*, today: datetime.date | None = None, limit: int = PUBLIC_PERIODS_LISTED) -> list[Period]:
    """The quarters whose network figures are published, newest first: ended, with their totals
    stored and frozen. One query."""
    today = today or timezone.localdate()
    current = Period.containing(PUBLIC_PERIOD_KIND, today)
    starts = (
        Snapshot.objects.filter(
            period_kind=PUBLIC_PERIOD_KIND,
            period_start__lt=current.start,
            scope=NETWORK,
            dimensions="",
            frozen_at__isnull=False,
        )
        .values_list("period_start", flat=True)
        .distinct()
        .order_by("-period_start")[:limit]
    )
    return [Period(PUBLIC_PERIOD_KIND, start) for start in starts]


def public_period_refusal(period: Period, *, today: datetime.date | None = None) -> str:
    """Why the public may not have ``period`` (a translated sentence), or "" when it is published."""
    today = today or timezone.localdate()
    if period.kind != PUBLIC_PERIOD_KIND or period.after > today:
        return _("Public figures are published for whole quarters that have ended, such as %(example)s.") % {
            "example": Period.containing(PUBLIC_PERIOD_KIND, today).previous().key
        }
    if not _frozen_network_snapshots(period).exists():
        return _("The figures of %(period)s are not published yet: a quarter's figures appear once they are final.") % {
            "period": period.key
        }
    return ""


def public_tables(*, indicators=None, period: Period, dimensions=(), now=None) -> tuple[queries.IndicatorTable, ...]:
    """The protected network tables of ``period`` by ``dimensions`` that frozen snapshots hold,
    for the indicators in force at the period's end (``indicators``: codes, default all). Nothing
    is computed live: an indicator or a breakdown without a frozen snapshot is left out."""
    keys = [dimension.key for dimension in resolve(dimensions)]
    in_force = queries.current_indicators(
        None if indicators is None else [getattr(code, "code", code) for code in indicators], on=period.end
    )
    stored = set(
        _frozen_network_snapshots(period, keys)
        .filter(indicator__in=[indicator.pk for indicator in in_force])
        .values_list("indicator_id", flat=True)
    )
    chosen = [indicator for indicator in in_force if indicator.pk in stored]
    if not chosen:
        return ()
    tables = queries.indicator_values(public=True, indicators=chosen, period=period, dimensions=keys, now=now)
    # Fail closed should the selector ever set a stored snapshot aside and compute instead.
    return tuple(table for table in tables if table.source == queries.SNAPSHOT)


# ---------------------------------------------------------------------------------------------
# A table's figures one by one


@dataclass(frozen=True)
class Line:
    """One figure of a table: its category (key, label) per dimension, None for a margin (total)."""

    categories: tuple[tuple[str, str] | None, ...]
    cell: queries.Cell

    @property
    def keys(self) -> tuple[str | None, ...]:
        return tuple(None if category is None else category[0] for category in self.categories)


def lines(table: queries.IndicatorTable) -> list[Line]:
    """Every figure of ``table``: cells, then row totals, column totals and the total."""
    if not table.dimensions:
        return [Line((), table.total)]
    if len(table.dimensions) == 1:
        found = [Line((row,), cell) for row, cell in zip(table.rows, table.row_totals, strict=True)]
        return [*found, Line((None,), table.total)]
    found = []
    for row, cells, row_total in zip(table.rows, table.cells, table.row_totals, strict=True):
        found += [Line((row, column), cell) for column, cell in zip(table.columns, cells, strict=True)]
        found.append(Line((row, None), row_total))
    found += [Line((None, column), cell) for column, cell in zip(table.columns, table.column_totals, strict=True)]
    found.append(Line((None, None), table.total))
    return found


def _marker() -> str:
    return str(disclosure.MARKER)


def shown_value(cell: queries.Cell):
    """The figure, the marker when hidden, or empty when there is nothing to compute it from."""
    if cell.value is not None:
        return cell.value
    return _marker() if cell.suppressed else ""


def _part(number, cell: queries.Cell):
    if number is not None:
        return number
    return _marker() if cell.suppressed else ""


def numerator_of(table: queries.IndicatorTable, cell: queries.Cell):
    """A rate's numerator (a count's is its value; a median has none)."""
    if table.unit != Unit.PERCENT:
        return ""
    return _part(cell.numerator, cell)


def denominator_of(table: queries.IndicatorTable, cell: queries.Cell):
    """A rate's denominator, or how many values a median rests on."""
    if table.unit == Unit.COUNT:
        return ""
    return _part(cell.denominator, cell)


def unit_label(unit: str) -> str:
    return str(Unit(unit).label)


# ---------------------------------------------------------------------------------------------
# CSV (long form)


def long_rows(export: Export) -> list[list]:
    """A header of human labels, then one row per figure of every table."""
    header = [_("Indicator code"), _("Indicator"), _("Version"), _("Period"), _("Scope")]
    for dimension in export.dimensions:
        header += [str(dimension.label), _("%(dimension)s: code") % {"dimension": dimension.label}]
    header += [
        _("Value"),
        _("Unit"),
        _("Numerator"),
        _("Denominator, or number of values of a median"),
        _("Figures from"),
    ]
    rows = [header]
    total = _("Total")
    for table in export.tables:
        start = [table.code, table.indicator.localized_name(), table.version, export.period.key, export.scope_label]
        source = _("stored snapshot") if table.source == queries.SNAPSHOT else _("computed live")
        for line in lines(table):
            categories = []
            for category in line.categories:
                categories += [total, ""] if category is None else [category[1], category[0]]
            cell = line.cell
            rows.append(
                [
                    *start,
                    *categories,
                    shown_value(cell),
                    unit_label(table.unit),
                    numerator_of(table, cell),
                    denominator_of(table, cell),
                    source,
                ]
            )
    return rows


def csv_rows(export: Export) -> list[list]:
    return [*long_rows(export), [_("Note"), disclosure.legend(export.threshold)]]


# ---------------------------------------------------------------------------------------------
# HXL (wide form: a label row and a hashtag row)


def hashtag(text: str) -> str:
    """An indicator's HXL hashtag written without spaces: ``#reached +ind`` → ``#reached+ind``."""
    return re.sub(r"\s+", "", text or "")


def _slug(text: str) -> str:
    return _ATTRIBUTE_TEXT.sub("_", text.casefold()).strip("_")


def _own_attribute(dimension: Dimension, key: str) -> str:
    """An attribute naming one category on its own (HXL's ``+age0_4`` for age bands)."""
    if dimension.key == "age_band":
        return "+age" + (_slug(key.replace("+", "plus")) if key[:1].isdigit() else "_" + _slug(key))
    return f"+{_slug(dimension.key)}_{_slug(key)}"


def category_attributes(dimension: Dimension, categories) -> dict[str, str]:
    """HXL attributes of each category of an attribute dimension, distinct within the dimension:
    the dimension's own (``+f``, ``+children``, ``+idps``) where that tells the category apart,
    completed by one naming the category (``+children+age0_4``, ``+sex_undisclosed``) otherwise."""
    standard = {key: dimension.hxl_attribute(key) for key, _label in categories}
    counts: dict[str, int] = {}
    for attribute in standard.values():
        counts[attribute] = counts.get(attribute, 0) + 1
    return {
        key: attribute if attribute and counts[attribute] == 1 else attribute + _own_attribute(dimension, key)
        for key, attribute in standard.items()
    }


def _name_tag(code_tag: str) -> str:
    return code_tag.replace("+code", "+name") if "+code" in code_tag else code_tag + "+name"


def hxl_rows(export: Export) -> list[list]:
    """The label row, the hashtag row, then one row per category of the code dimensions."""
    coded = [dimension for dimension in export.dimensions if dimension.hxl]
    if export.public and any(not dimension.public for dimension in coded):
        raise ValueError(_("Public figures are never broken down by organization."))
    attributed = [dimension for dimension in export.dimensions if not dimension.hxl]
    positions = {dimension.key: i for i, dimension in enumerate(export.dimensions)}
    # Categories of every dimension, as the tables list them (every table of an export has them).
    listed = {dimension.key: [] for dimension in export.dimensions}
    if export.tables:
        first = export.tables[0]
        for dimension, categories in zip(export.dimensions, (first.rows, first.columns), strict=False):
            listed[dimension.key] = list(categories)

    labels = [_("Period start"), _("Period end")]
    tags = ["#date+start", "#date+end"]
    for dimension in coded:
        labels += [_("%(dimension)s: code") % {"dimension": dimension.label}, str(dimension.label)]
        tags += [dimension.hxl, _name_tag(dimension.hxl)]

    # Columns: per table, every combination of attribute categories, the margin (None) first.
    attributes = {dimension.key: category_attributes(dimension, listed[dimension.key]) for dimension in attributed}
    column_keys = list(product(*([None, *listed[dimension.key]] for dimension in attributed)))
    for table in export.tables:
        for combination in column_keys:
            names = [category[1] for category in combination if category is not None]
            labels.append(table.indicator.localized_name() + (" — " + ", ".join(names) if names else ""))
            extra = "".join(
                attributes[dimension.key][category[0]]
                for dimension, category in zip(attributed, combination, strict=True)
                if category is not None
            )
            tags.append(hashtag(table.indicator.hxl) + (extra or "+total"))

    by_table = [{line.keys: line.cell for line in lines(table)} for table in export.tables]
    rows = [labels, tags]
    for row_combination in product(*([*listed[dimension.key], None] for dimension in coded)):
        row = [export.period.start.isoformat(), export.period.end.isoformat()]
        for category in row_combination:
            row += ["", _("Total")] if category is None else [category[0], category[1]]
        chosen = {dimension.key: category for dimension, category in zip(coded, row_combination, strict=True)}
        for cells in by_table:
            for combination in column_keys:
                chosen.update({dimension.key: c for dimension, c in zip(attributed, combination, strict=True)})
                key = [None] * len(export.dimensions)
                for name, category in chosen.items():
                    key[positions[name]] = None if category is None else category[0]
                row.append(shown_value(cells[tuple(key)]))
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# Notes (the XLSX's notes sheet; the definitions the report prints too)


def _dimension_labels(export: Export) -> str:
    return ", ".join(str(dimension.label) for dimension in export.dimensions) or _("None (totals only)")


def notes_rows(export: Export) -> list[list]:
    when = timezone.localtime(export.generated_at).strftime("%Y-%m-%d %H:%M %Z")
    rows = [
        [_("Common indicators"), ""],
        [_("Period"), f"{export.period.key} ({export.period.start.isoformat()} – {export.period.end.isoformat()})"],
        [_("Scope"), export.scope_label],
        [_("Disaggregation"), _dimension_labels(export)],
        [_("Generated"), when],
        [_("Hidden values"), disclosure.legend(export.threshold)],
        [_("Threshold"), export.threshold],
        [
            _("Who is counted"),
            _("Only clients who agreed to be counted in anonymous statistics, while that consent was in force."),
        ],
        ["", ""],
        [
            _("Indicator code"),
            _("Version"),
            _("Indicator"),
            _("Definition"),
            _("Unit"),
            _("Direction"),
            _("HXL hashtag"),
            _("Source"),
            _("Valid from"),
            _("Figures from"),
        ],
    ]
    for table in export.tables:
        indicator: Indicator = table.indicator
        computed = timezone.localtime(table.computed_at).strftime("%Y-%m-%d %H:%M")
        source = _("stored snapshot") if table.source == queries.SNAPSHOT else _("computed live")
        rows.append(
            [
                indicator.code,
                indicator.version,
                indicator.localized_name(),
                indicator.localized_definition(),
                unit_label(indicator.unit),
                str(Direction(indicator.direction).label),
                hashtag(indicator.hxl),
                indicator.source,
                indicator.valid_from.isoformat(),
                f"{source}, {computed}",
            ]
        )
    return rows


# ---------------------------------------------------------------------------------------------
# The files


def organization_identifiers() -> list[str]:
    """Every text that would name an organization (GBVIMS rule), for the last check on public
    outputs: names, acronyms and alternate names of every organization, active or not. One query."""
    identifiers = []
    for texts in Organization.objects.values_list("name", "acronym", "alternate_name"):
        identifiers += [text for text in texts if text]
    return identifiers


def check_public(export: Export, sheets: list[list[list]]) -> None:
    """The last check on a public file: no text in it names an organization (``ValueError`` with a
    message that does not repeat the name)."""
    if not export.public:
        return
    texts = [value for rows in sheets for row in rows for value in row if isinstance(value, str)]
    try:
        disclosure.refuse_organization_names(texts, organization_identifiers())
    except ValueError:
        raise ValueError(
            _("This file is not available: a text in it could name an organization, which public figures never do.")
        ) from None


def csv_file(export: Export) -> bytes:
    rows = csv_rows(export)
    check_public(export, [rows])
    return csvsafe.csv_bytes(rows)


def hxl_file(export: Export) -> bytes:
    """Without a byte order mark: HXL tools read the first label with it otherwise."""
    rows = hxl_rows(export)
    check_public(export, [rows])
    return csvsafe.csv_bytes(rows, byte_order_mark=False)


def xlsx_file(export: Export) -> bytes:
    sheets = [
        (_("Values"), long_rows(export), 1),
        (_("HXL"), hxl_rows(export), 2),
        (_("Notes"), notes_rows(export), 0),
    ]
    check_public(export, [rows for _title, rows, _header in sheets])
    return csvsafe.workbook_bytes(sheets, right_to_left=translation.get_language_bidi())


def render(export: Export, kind: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of ``export`` in one of ``FORMATS``."""
    if kind == CSV:
        return csv_file(export), CSV_TYPE, export.filename("csv")
    if kind == HXL:
        return hxl_file(export), CSV_TYPE, export.filename("csv", kind="indicators-hxl")
    if kind == XLSX:
        return xlsx_file(export), XLSX_TYPE, export.filename("xlsx")
    raise ValueError(_("Unknown export format %(kind)s.") % {"kind": repr(kind)[:20]})
