"""The coverage map: who does what where, and where nobody does anything (the gaps).

A table of administrative areas (rows: the regions or the districts of one country) by service
categories (columns: the top-level terms of the Caseway taxonomy, or the narrower terms of one of
them). Each cell holds named *measures*; the directory contributes three:

- ``services``: active services covering the area in that category;
- ``organizations``: distinct organizations running them;
- ``places_available``: the sum, over those services, of ``available`` in each service's latest
  capacity report whose unit is named "places" (other units, such as waiting days, do not add up
  across services and are left out; a service that never reported places adds nothing, and a
  cell where no service did is blank rather than 0).

A cell with no active service is a **gap**; a gap where a *demand* measure (the clients app's
``needs``: people with an open need there) shows someone is an **unmet need**.

What "covers" means. A service covers an area when it has a location in the area or in an area
below it, or a service area (``ServiceArea.admin_area``, linked to the service or to one of its
service-at-locations) that is the area itself, an area above it (a service for a whole region
covers each of its districts) or an area below it (a service for one district is present in its
region). A location recorded only at region level counts for the region, not for any district.
Only services of active organizations count; a service counts once per cell however many
locations, service areas or categories lead it there, and once in each row and column total.
Categories are those of the shipped Caseway taxonomy; a column counts services tagged with its
term or any term below it (retired terms included: the service still does that work).

Confidential locations are counted in their district like any other and nothing about them but
the count ever leaves this module: no names, addresses or coordinates are read.

Extension point: measures from higher floors
--------------------------------------------
Apps above the directory (``clients`` adds the number of people with an open need per area and
category: ``caseway/clients/coverage_needs.py``) may not be imported here, so they add columns to
the same cells themselves: they register a ``MeasureProvider`` from their ``AppConfig.ready()``
(the directory's own tests set them aside: ``directory/tests/conftest.py``)::

    from caseway.directory import coverage

    coverage.register_provider(coverage.MeasureProvider(
        key="clients.needs",
        measures=(coverage.Measure("needs", _("Needs"), "#need+num"),),
        compute=needs_per_cell,   # (Scope) -> {"needs": Figures(...)}
    ))

``compute`` receives the ``Scope`` (the viewer's membership, the country, the level, the rows
with their area ids and P-codes, the columns with the term ids each one counts, and
``rows_queryset()`` for subqueries) and must return one ``Figures`` per measure it declared:
values per (row key, column key) cell plus row, column and grand totals, which the provider
computes itself because only it knows whether its values add up (a client with two needs is not
two clients). It must use a constant number of queries and apply its own disclosure control
(small-cell suppression, statistics consent) before returning. Cells it leaves out get the
measure's ``empty`` value. The page, the exports and the HXL row pick new measures up with no
other change; the gap stays defined by the directory's own ``services`` measure.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from caseway.directory.access import directory_services
from caseway.directory.models import AdminArea, Service, ServiceCapacity, TaxonomyTerm, Unit
from caseway.directory.taxonomy import shipped_taxonomy
from caseway.orgs.models import Organization

LEVELS = (AdminArea.Level.ADMIN1, AdminArea.Level.ADMIN2)
DEFAULT_LEVEL = AdminArea.Level.ADMIN1
CAPACITY_UNIT = "places"
DIRECTORY_PROVIDER = "directory"


# ---------------------------------------------------------------------------------------------
# The shape of the table


@dataclass(frozen=True)
class Row:
    """One administrative area of the table, with its region and district for the long exports."""

    area_id: uuid.UUID
    level: int
    pcode: str
    name: str
    country_code: str
    adm1_pcode: str
    adm1_name: str
    adm2_pcode: str = ""
    adm2_name: str = ""

    @property
    def key(self) -> uuid.UUID:
        return self.area_id


@dataclass(frozen=True)
class Column:
    """One category. ``term_ids`` are the terms a service may carry to count here."""

    code: str
    name: str
    term_id: uuid.UUID
    term_ids: tuple[uuid.UUID, ...]
    sector_code: str
    sector_name: str
    subsector_code: str = ""
    subsector_name: str = ""

    @property
    def key(self) -> str:
        return self.code


@dataclass(frozen=True)
class Scope:
    """What a table covers, and for whom: the input of every measure provider."""

    membership: object
    country: AdminArea
    level: int
    category: TaxonomyTerm | None
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    # Every term of the Caseway taxonomy (already loaded for the filters), so that a provider can
    # work out the other cuts of the same data (a category and its narrower terms) without a query.
    terms: tuple[TaxonomyTerm, ...] = ()

    def rows_queryset(self):
        """The row areas as a queryset, for providers' subqueries."""
        return rows_queryset(self.country, self.level)

    @property
    def term_ids(self) -> tuple[uuid.UUID, ...]:
        return tuple(term_id for column in self.columns for term_id in column.term_ids)


@dataclass(frozen=True)
class Measure:
    """A named value in every cell. ``key`` names the export column, ``hxl`` is its HXL hashtag.

    ``empty`` is the value of a cell the provider left out (0 for counts, None for "unknown").
    ``shown_in_gaps``: whether the page still shows the value in a gap cell (the directory's own
    measures are zero there by definition, so the page just says "Gap").
    ``demand``: the measure counts a need for services (people in need): a gap where its published
    value is above zero is an **unmet need**, marked on the page and in the exports.
    ``none_text``: what the page and the exports show for None (default: "–" on the page, blank in
    the exports); a provider whose None means "hidden by disclosure control" gives the marker.
    ``note``: a sentence the page shows under the table when the measure is there (what it counts,
    what is hidden).
    """

    key: str
    label: str
    hxl: str
    empty: object = 0
    shown_in_gaps: bool = True
    demand: bool = False
    none_text: object = None
    note: object = ""


@dataclass(frozen=True)
class Figures:
    """One measure's values: per cell, per row, per column and overall."""

    cells: Mapping[tuple[uuid.UUID, str], object] = field(default_factory=dict)
    row_totals: Mapping[uuid.UUID, object] = field(default_factory=dict)
    column_totals: Mapping[str, object] = field(default_factory=dict)
    total: object = None


@dataclass(frozen=True)
class MeasureProvider:
    key: str
    measures: tuple[Measure, ...]
    compute: Callable[[Scope], Mapping[str, Figures]]


@dataclass(frozen=True)
class Cell:
    row: Row
    column: Column
    values: dict

    @property
    def services(self) -> int:
        return self.values.get("services") or 0

    @property
    def gap(self) -> bool:
        return self.services == 0

    @property
    def unmet(self) -> bool:
        """A gap where a demand measure (clients' needs) shows someone: need present, no service."""
        return unmet(self.values)


def unmet(values: dict) -> bool:
    """Whether a cell's (or a total's) values are a gap with a published demand above zero. A value
    hidden by disclosure control (None) says nothing: it may stand for a zero."""
    if values.get("services"):
        return False
    return any((values.get(measure.key) or 0) > 0 for measure in measures() if measure.demand)


@dataclass(frozen=True)
class Line:
    """A row of the table as the page shows it."""

    row: Row
    cells: tuple[Cell, ...]
    totals: dict


@dataclass(frozen=True)
class CoverageTable:
    scope: Scope
    measures: tuple[Measure, ...]
    cells: dict
    row_totals: dict
    column_totals: dict
    total: dict

    @property
    def rows(self) -> tuple[Row, ...]:
        return self.scope.rows

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.scope.columns

    def cell(self, row: Row, column: Column) -> Cell:
        return self.cells[(row.key, column.key)]

    def lines(self) -> list[Line]:
        return [
            Line(row, tuple(self.cell(row, column) for column in self.columns), self.row_totals[row.key])
            for row in self.rows
        ]

    def long_cells(self):
        """Every cell, row by row: the long form of the exports."""
        for row in self.rows:
            for column in self.columns:
                yield self.cell(row, column)

    @property
    def gaps(self) -> list[Cell]:
        return [cell for cell in self.long_cells() if cell.gap]

    @property
    def gap_count(self) -> int:
        return len(self.gaps)

    @property
    def has_demand(self) -> bool:
        return any(measure.demand for measure in self.measures)

    @property
    def unmet_count(self) -> int:
        """Gaps where a demand measure shows clients in need (see ``Measure.demand``)."""
        return sum(1 for cell in self.long_cells() if cell.unmet)


# ---------------------------------------------------------------------------------------------
# Measure providers


_providers: dict[str, MeasureProvider] = {}


def register_provider(provider: MeasureProvider) -> None:
    """Adds measures to every cell; see "Extension point" above. Idempotent for the same provider."""
    existing = _providers.get(provider.key)
    if existing is not None and existing != provider:
        raise ValueError(f"A coverage measure provider named {provider.key!r} is already registered.")
    taken = {measure.key for other in _providers.values() if other.key != provider.key for measure in other.measures}
    clashes = taken & {measure.key for measure in provider.measures}
    if clashes:
        raise ValueError(f"Coverage measures already registered: {sorted(clashes)}")
    _providers[provider.key] = provider


def unregister_provider(key: str) -> None:
    if key == DIRECTORY_PROVIDER:
        raise ValueError("The directory's own measures define gaps and cannot be removed.")
    _providers.pop(key, None)


def providers() -> tuple[MeasureProvider, ...]:
    return tuple(_providers.values())


def measures() -> tuple[Measure, ...]:
    return tuple(measure for provider in _providers.values() for measure in provider.measures)


# ---------------------------------------------------------------------------------------------
# Filters: countries, levels, categories


@cache
def caseway_taxonomy_id() -> uuid.UUID:
    return uuid.UUID(shipped_taxonomy()["id"])


@dataclass(frozen=True)
class FilterOptions:
    """What the filters offer: countries, and every term of the Caseway taxonomy."""

    countries: tuple[AdminArea, ...]
    terms: tuple[TaxonomyTerm, ...]

    @property
    def categories(self) -> list[TaxonomyTerm]:
        return [term for term in self.terms if term.parent_id is None and term.is_active]

    def country(self, pcode: str) -> AdminArea | None:
        return next((country for country in self.countries if country.pcode == pcode), None)

    def category(self, code: str) -> TaxonomyTerm | None:
        return next((term for term in self.categories if term.code == code), None)

    def default_country(self, membership) -> AdminArea | None:
        """The viewer's own organization's country when it has areas, else the first country."""
        organization = getattr(membership, "organization", None)
        own = self.country(getattr(organization, "country", "") or "")
        return own or (self.countries[0] if self.countries else None)


def filter_options() -> FilterOptions:
    countries = AdminArea.objects.filter(level=AdminArea.Level.COUNTRY).order_by("pcode")
    terms = TaxonomyTerm.objects.filter(taxonomy_ref_id=caseway_taxonomy_id()).order_by("code")
    return FilterOptions(countries=tuple(countries), terms=tuple(terms))


def rows_queryset(country: AdminArea, level: int):
    areas = AdminArea.objects.filter(level=level)
    if level == AdminArea.Level.ADMIN1:
        return areas.filter(parent=country)
    return areas.filter(parent__parent=country)


def _row(area: AdminArea, level: int) -> Row:
    if level == AdminArea.Level.ADMIN1:
        adm1, adm2, country = area, None, area.parent
    else:
        adm1, adm2 = area.parent, area
        country = adm1.parent
    return Row(
        area_id=area.pk,
        level=level,
        pcode=area.pcode,
        name=area.localized_name(),
        country_code=country.pcode,
        adm1_pcode=adm1.pcode,
        adm1_name=adm1.localized_name(),
        adm2_pcode=adm2.pcode if adm2 else "",
        adm2_name=adm2.localized_name() if adm2 else "",
    )


def _subtree_ids(term, children_of) -> tuple[uuid.UUID, ...]:
    ids, pending = [], [term]
    while pending:
        current = pending.pop()
        ids.append(current.pk)
        pending.extend(children_of[current.pk])
    return tuple(ids)


def _columns(terms, category) -> tuple[Column, ...]:
    children_of = defaultdict(list)
    for term in terms:
        children_of[term.parent_id].append(term)
    if category is None:
        return tuple(
            Column(
                code=term.code,
                name=term.localized_name(),
                term_id=term.pk,
                term_ids=_subtree_ids(term, children_of),
                sector_code=term.code,
                sector_name=term.localized_name(),
            )
            for term in children_of[None]
            if term.is_active
        )
    narrower = [term for term in children_of[category.pk] if term.is_active]
    if not narrower:  # nothing to drill into: the category is its own only column
        return _columns([category], None)
    return tuple(
        Column(
            code=term.code,
            name=term.localized_name(),
            term_id=term.pk,
            term_ids=_subtree_ids(term, children_of),
            sector_code=category.code,
            sector_name=category.localized_name(),
            subsector_code=term.code,
            subsector_name=term.localized_name(),
        )
        for term in narrower
    )


def category_columns(terms, category=None) -> tuple[Column, ...]:
    """The columns of the table: the top-level categories, or the narrower terms of ``category``
    (the category alone when it has none), exactly as the map builds them."""
    return _columns(terms, category)


def build_scope(membership, options: FilterOptions, *, country, level=DEFAULT_LEVEL, category=None) -> Scope:
    """The table's rows and columns (one query: the row areas)."""
    areas = rows_queryset(country, level).select_related("parent", "parent__parent").order_by("parent__pcode", "pcode")
    return Scope(
        membership=membership,
        country=country,
        level=level,
        category=category,
        rows=tuple(_row(area, level) for area in areas),
        columns=_columns(options.terms, category),
        terms=tuple(options.terms),
    )


# ---------------------------------------------------------------------------------------------
# The directory's measures


def _anchor_paths(level: int) -> list[str]:
    """Paths from a service to an area that is one of the rows, when the service covers that row.

    Rows are at ``level``; areas go down to admin 2, so only the paths that can meet a row of
    that level are built (a district-level location is never "above" a region, for instance).
    """
    deepest = AdminArea.Level.ADMIN2
    paths = []
    # A location in the row or below it: the row is the location's area or one of its ancestors.
    for steps_up in range(deepest - level + 1):
        paths.append("service_at_locations__location__admin_area" + "__parent" * steps_up)
    # A service area at, below or above the row.
    for anchor in ("service_areas__admin_area", "service_at_locations__service_areas__admin_area"):
        for steps in range(-level, deepest - level + 1):
            paths.append(anchor + ("__parent" * steps if steps >= 0 else "__children" * -steps))
    return paths


def _latest_places():
    """(service, places available) from each service's latest capacity report in places.

    "Latest" is an anti-join (no later report of the same service in places), so each report is
    looked at once instead of once per cell a service reaches. Ties on ``updated`` go to the
    larger id, so a service never has two latest reports.
    """
    in_places = Q(unit__in=Unit.objects.filter(name__iexact=CAPACITY_UNIT).values("pk"))
    later = ServiceCapacity.objects.filter(in_places, service=OuterRef("service")).filter(
        Q(updated__gt=OuterRef("updated")) | Q(updated=OuterRef("updated"), pk__gt=OuterRef("pk"))
    )
    return (
        ServiceCapacity.objects.filter(in_places, service__isnull=False)
        .filter(~Exists(later))
        .order_by()
        .values(cw_service=F("service_id"), cw_capacity=F("available"))
    )


def _links(scope: Scope, services, *, with_status=False):
    """(service, organization, row, column[, status]) for every way a service reaches a cell, as
    one SQL UNION (which also removes duplicates: a service reached through two locations in one
    district is one link). Built by the ORM; aggregated by ``_aggregate``."""
    column_of_term = Case(
        *[When(cw_term__in=column.term_ids, then=Value(index)) for index, column in enumerate(scope.columns)],
        output_field=IntegerField(),
    )
    selected = ["cw_service", "cw_organization", "cw_row", "cw_column"]
    if with_status:
        selected.append("cw_status")
    rows = scope.rows_queryset().values("pk")
    branches = []
    for path in _anchor_paths(scope.level):
        branch = (
            services.order_by()
            # One filter() call: one (inner) join per relation, which the F() below reuse.
            .filter(**{f"{path}__in": rows, "service_terms__taxonomy_term__in": scope.term_ids})
            .filter(organization__is_active=True)
            .annotate(
                cw_service=F("pk"),
                cw_organization=F("organization_id"),
                cw_row=F(path),
                cw_term=F("service_terms__taxonomy_term"),
                cw_status=F("status"),
            )
            .annotate(cw_column=column_of_term)
            .values(*selected)
        )
        branches.append(branch)
    # No ORDER BY: the union is only ever aggregated (Service's default ordering would break it).
    return branches[0].union(*branches[1:]).order_by()


def _sql(queryset, connection):
    return queryset.query.get_compiler(connection=connection).as_sql()


def _aggregate(links, groupings: dict[str, tuple[str, ...]]) -> dict[str, list[tuple]]:
    """Counts per group of links, in one query: for each grouping, one row per group with its key
    columns, the number of services, of distinct organizations, and the sum of their places.

    The ORM cannot aggregate over a UNION, so this wraps the compiled union (and the compiled
    latest-capacity query) in a fixed SQL template: CTEs, then SELECT DISTINCT ... GROUP BY per
    grouping. Only quoted constant names and integers are formatted into it; every value stays a
    query parameter. Duplicates are removed before summing, so a service's places count once per
    group even when it reaches the group through several cells.
    """
    connection = connections[links.db]
    quote = connection.ops.quote_name
    try:
        links_sql, links_params = _sql(links, connection)
    except EmptyResultSet:  # no services at all for this viewer
        return {name: [] for name in groupings}
    places_sql, places_params = _sql(_latest_places(), connection)
    keys = list(dict.fromkeys(key for group in groupings.values() for key in group))
    link, places, rows = quote("cw_links"), quote("cw_places"), quote("cw_rows")
    service, organization, capacity = quote("cw_service"), quote("cw_organization"), quote("cw_capacity")
    row_columns = [f"{link}.{service}", f"{link}.{organization}", f"{places}.{capacity}"] + [
        f"{link}.{quote(key)}" for key in keys if key not in {"cw_service", "cw_organization"}
    ]
    selects = []
    for number, (name, group) in enumerate(groupings.items()):
        distinct = ", ".join(
            quote(key) for key in dict.fromkeys(("cw_service", "cw_organization", "cw_capacity", *group))
        )
        selected = [str(number), *(quote(key) if key in group else "NULL" for key in keys)]
        selected += ["COUNT(*)", f"COUNT(DISTINCT {organization})", f"SUM({capacity})"]
        group_by = (" GROUP BY " + ", ".join(quote(key) for key in group)) if group else ""
        selects.append(
            f"SELECT {', '.join(selected)} FROM (SELECT DISTINCT {distinct} FROM {rows}) "  # noqa: S608
            f"{quote('cw_' + name)}{group_by}"
        )
    sql = (
        f"WITH {link} AS ({links_sql}), {places} AS ({places_sql}), "  # noqa: S608
        f"{rows} AS (SELECT {', '.join(row_columns)} FROM {link} "
        f"LEFT JOIN {places} ON {places}.{service} = {link}.{service}) " + " UNION ALL ".join(selects)
    )
    names = list(groupings)
    results = {name: [] for name in groupings}
    with connection.cursor() as cursor:
        cursor.execute(sql, (*links_params, *places_params))
        for number, *values in cursor.fetchall():
            group = groupings[names[number]]
            key_values = {key: value for key, value in zip(keys, values[: len(keys)], strict=True) if key in group}
            services, organizations, total_capacity = values[len(keys) :]
            results[names[number]].append((key_values, services, organizations, _decimal(total_capacity)))
    return results


def _decimal(value):
    """Sums come back as Decimal (PostgreSQL) or float/int (SQLite): one tidy Decimal, or None."""
    if value is None:
        return None
    number = Decimal(str(value)).quantize(Decimal("0.01"))
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _directory_figures(scope: Scope) -> dict[str, Figures]:
    empty = {key: Figures() for key in ("services", "organizations", "places_available")}
    if not scope.rows or not scope.columns:
        return empty
    services = directory_services(scope.membership).filter(status=Service.Status.ACTIVE)
    results = _aggregate(
        _links(scope, services),
        {
            "cells": ("cw_row", "cw_column"),
            "rows": ("cw_row",),
            "columns": ("cw_column",),
            "total": (),
        },
    )
    figures = {key: {"cells": {}, "rows": {}, "columns": {}, "total": None} for key in empty}
    for grouping, lines in results.items():
        for keys, services_count, organizations_count, capacity in lines:
            if grouping == "cells":
                slot = (_uuid(keys["cw_row"]), scope.columns[keys["cw_column"]].key)
            elif grouping == "rows":
                slot = _uuid(keys["cw_row"])
            elif grouping == "columns":
                slot = scope.columns[keys["cw_column"]].key
            else:
                slot = None
            for key, value in (
                ("services", services_count),
                ("organizations", organizations_count),
                ("places_available", capacity),
            ):
                if grouping == "total":
                    figures[key]["total"] = value
                else:
                    figures[key][grouping][slot] = value
    return {
        key: Figures(
            cells=values["cells"], row_totals=values["rows"], column_totals=values["columns"], total=values["total"]
        )
        for key, values in figures.items()
    }


register_provider(
    MeasureProvider(
        key=DIRECTORY_PROVIDER,
        measures=(
            Measure("services", _("Active services"), "#service+num", shown_in_gaps=False),
            Measure("organizations", _("Organizations"), "#org+impl+num", shown_in_gaps=False),
            Measure("places_available", _("Places available"), "#capacity+num", empty=None, shown_in_gaps=False),
        ),
        compute=_directory_figures,
    )
)


# ---------------------------------------------------------------------------------------------
# The table


def coverage_table(scope: Scope) -> CoverageTable:
    """The whole table: one aggregate query for the directory's measures, plus each provider's."""
    all_measures = measures()
    computed = {}
    for provider in providers():
        computed.update(provider.compute(scope))

    def value(measure, part, key):
        figures = computed.get(measure.key, Figures())
        return getattr(figures, part).get(key, measure.empty)

    cells = {
        (row.key, column.key): Cell(
            row, column, {m.key: value(m, "cells", (row.key, column.key)) for m in all_measures}
        )
        for row in scope.rows
        for column in scope.columns
    }
    row_totals = {row.key: {m.key: value(m, "row_totals", row.key) for m in all_measures} for row in scope.rows}
    column_totals = {
        column.key: {m.key: value(m, "column_totals", column.key) for m in all_measures} for column in scope.columns
    }
    total = {}
    for measure in all_measures:
        figures = computed.get(measure.key)
        total[measure.key] = measure.empty if figures is None or figures.total is None else figures.total
    return CoverageTable(
        scope=scope,
        measures=all_measures,
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total=total,
    )


# ---------------------------------------------------------------------------------------------
# Long forms, for the exports

PLACE_COLUMNS = (
    ("country_code", "#country+code"),
    ("adm1_name", "#adm1+name"),
    ("adm1_pcode", "#adm1+code"),
    ("adm2_name", "#adm2+name"),
    ("adm2_pcode", "#adm2+code"),
)
CATEGORY_COLUMNS = (
    ("sector_code", "#sector+code"),
    ("sector_name", "#sector+name"),
    ("subsector_code", "#subsector+code"),
    ("subsector_name", "#subsector+name"),
)
GAP_COLUMN = ("gap", "#indicator+gap")
# With a demand measure (clients' needs): whether the gap is one where people are in need.
UNMET_COLUMN = ("unmet_need", "#indicator+gap+unmet")


def _place_values(row: Row) -> list:
    return [row.country_code, row.adm1_name, row.adm1_pcode, row.adm2_name, row.adm2_pcode]


def _category_values(column: Column) -> list:
    return [column.sector_code, column.sector_name, column.subsector_code, column.subsector_name]


def coverage_columns(all_measures=None) -> list[tuple[str, str]]:
    """(header name, HXL hashtag) of each column of the long form."""
    all_measures = measures() if all_measures is None else all_measures
    unmet_column = [UNMET_COLUMN] if any(m.demand for m in all_measures) else []
    return [*PLACE_COLUMNS, *CATEGORY_COLUMNS, *((m.key, m.hxl) for m in all_measures), GAP_COLUMN, *unmet_column]


def exported(measure: Measure, value):
    """A measure's value as the exports write it: None becomes the measure's ``none_text`` (blank
    unless the provider gives one)."""
    if value is None and measure.none_text is not None:
        return str(measure.none_text)
    return value


def coverage_long_form(table: CoverageTable) -> tuple[list[str], list[str], list[list]]:
    """(header, HXL hashtags, rows): one row per area and category, gaps marked "yes"/"no" (and,
    with a demand measure, whether the gap is an unmet need).

    Header names are stable identifiers, not translated: scripts and donors' pipelines read them.
    Names of areas and categories are in the viewer's language.
    """
    columns = coverage_columns(table.measures)
    rows = [
        [
            *_place_values(cell.row),
            *_category_values(cell.column),
            *(exported(measure, cell.values[measure.key]) for measure in table.measures),
            "yes" if cell.gap else "no",
            *(["yes" if cell.unmet else "no"] if table.has_demand else []),
        ]
        for cell in table.long_cells()
    ]
    return [name for name, _tag in columns], [tag for _name, tag in columns], rows


WHO_COLUMNS = (
    ("organization_name", "#org+impl+name"),
    ("organization_acronym", "#org+impl+code"),
    *PLACE_COLUMNS,
    *CATEGORY_COLUMNS,
    ("service_status", "#status"),
    ("services", "#service+num"),
)


def who_does_what_where(scope: Scope) -> tuple[list[str], list[str], list[list]]:
    """(header, HXL hashtags, rows): one row per organization, area, category and service status
    (active, temporarily closed, inactive), with the number of such services. Two queries."""
    lines = []
    if scope.rows and scope.columns:
        services = directory_services(scope.membership)
        results = _aggregate(
            _links(scope, services, with_status=True),
            {"groups": ("cw_organization", "cw_row", "cw_column", "cw_status")},
        )
        lines = results["groups"]
    organizations = Organization.objects.in_bulk({keys["cw_organization"] for keys, *_rest in lines})
    rows_by_key = {row.key: row for row in scope.rows}
    table = []
    for keys, services_count, _organizations, _capacity in lines:
        organization = organizations[keys["cw_organization"]]
        row = rows_by_key[_uuid(keys["cw_row"])]
        column = scope.columns[keys["cw_column"]]
        table.append(
            [
                organization.name,
                organization.acronym,
                *_place_values(row),
                *_category_values(column),
                keys["cw_status"],
                services_count,
            ]
        )
    # Sorted like the map (by place, then category), then by organization.
    table.sort(key=lambda line: (line[4], line[6], line[7], line[9], line[0].casefold(), line[11]))
    return [name for name, _tag in WHO_COLUMNS], [tag for _name, tag in WHO_COLUMNS], table
