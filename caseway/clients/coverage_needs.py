"""Needs on the directory's coverage map: where people need a service, beside where services are.

The coverage map (``caseway/directory/coverage.py``) is a table of areas by service categories.
The directory may not import this app, so this module adds the ``needs`` measure to every cell
through the map's extension point (``coverage.register_provider``, from ``ClientsConfig.ready``).

What a cell counts: **people with an open need** in that area and category —

- a need is a ``Need`` row (each one is found by a needs assessment), open or referred (not met,
  not "no longer needed"), on a case that is not closed;
- its category comes from the needs instrument's ``service_categories`` mapping (need domain →
  Caseway taxonomy codes, as referral matching uses it: ``housing`` → ``basic_needs`` and
  ``protection.safe_shelter``); a need counts in a column when one of its codes is the column's
  term or a term below it. A need mapped only to a broad category (``safety`` → ``protection``)
  counts in that category's column, not in its narrower columns when a coordinator drills down;
- its area is the client's: a client recorded in a district counts in the district and in its
  region, one recorded only at region level counts for the region, not for any district (as the
  directory counts locations);
- only clients whose consent to anonymous statistics is in force now
  (``consent.network_consent_in_force``), never an erased one;
- a person counts once per cell, however many needs, cases or organizations lead her there.

Disclosure control, the same on every cut of the map. The same people are shown four ways:
regions or districts, by top-level categories or by the narrower terms of one of them. Tables
protected one by one could be subtracted from each other (a region showing 12 people in need of
safe shelter, its districts 10 and 0, gives away 2 people with no district recorded; a category
against its narrower columns gives away the people whose need maps to the category itself). So
every figure comes from one ``disclosure.protect_table`` per region and top-level category: rows
are the region's districts plus its people with no district recorded ("not recorded", protected
with the rest and never shown on its own), columns the category's parts (the one narrower term
its needs call for, and "the category only"). A district's figure is a row total, the region's
figure its grand total, a narrower column's figure a column total or a cell. Row totals of the
map (which count *needs*: a person in need of two categories counts in both), the country's
column totals (which include people with no district recorded) and the grand total are sums of
published figures, hidden when any part is hidden. Tables of different regions or categories
share no figure. A category whose needs reach two or more narrower terms cannot be split (one
person could count in both): it is protected whole and its narrower columns publish nothing.
A hidden value is None, shown as the marker, and never makes a gap an "unmet need" (it may stand
for a zero).

One query whatever the number of clients or needs: the people are counted per area and column in
the database (``COUNT(DISTINCT client) FILTER (...)`` per column, grouped by the row's area).
"""

import uuid
from dataclasses import dataclass, field
from functools import cache

from django.db.models import Case, Count, F, Q, When
from django.utils.translation import gettext_lazy as _

from caseway.clients import consent
from caseway.clients.models import CaseStatus, ConsentPurpose, Need
from caseway.directory import coverage
from caseway.directory.models import AdminArea, TaxonomyTerm
from caseway.directory.taxonomy import term_id
from caseway.lib import disclosure

PROVIDER_KEY = "clients.needs"
MEASURE_KEY = "needs"
OPEN_STATUSES = (Need.Status.OPEN, Need.Status.REFERRED)


@cache
def need_terms() -> dict[str, frozenset]:
    """Need domain → ids of the Caseway taxonomy terms it calls for (ids are UUIDv5 of the codes)."""
    from caseway.clients import instruments

    for mapping in instruments.load("needs").mappings:
        if mapping.name == "service_categories":
            return {domain: frozenset(term_id(code) for code in codes) for domain, codes in mapping.map.items()}
    return {}


def column_domains(scope: coverage.Scope) -> list[tuple[str, ...]]:
    """For each column of the table, the need domains that count in it."""
    terms = need_terms()
    return [
        tuple(sorted(domain for domain, wanted in terms.items() if wanted & set(column.term_ids)))
        for column in scope.columns
    ]


def _row_of_client(scope: coverage.Scope):
    """(filter, expression): clients in one of the rows, and the row each one counts in."""
    rows = scope.rows_queryset().values("pk")
    if scope.level == AdminArea.Level.ADMIN1:
        in_row = Q(case__client__admin_area__in=rows)
        below_row = Q(case__client__admin_area__parent__in=rows)
        row = Case(
            When(in_row, then=F("case__client__admin_area")),
            default=F("case__client__admin_area__parent"),
        )
        return in_row | below_row, row
    return Q(case__client__admin_area__in=rows), F("case__client__admin_area")


def counted_needs(*, at=None):
    """The needs the map counts: open, on a case still open, of a consenting, not-erased client."""
    return (
        Need.objects.filter(status__in=OPEN_STATUSES)
        .exclude(case__status=CaseStatus.CLOSED)
        .filter(case__client__erased_at__isnull=True)
        .filter(consent.network_consent_in_force(ConsentPurpose.STATISTICS, client_field="case__client_id", at=at))
    )


def needs_counts(scope: coverage.Scope, *, at=None) -> list[list[int]]:
    """Unprotected people counts, rows × columns in the scope's order (one query). Internal: what
    leaves goes through ``needs_figures``."""
    domains = column_domains(scope)
    matrix = [[0] * len(scope.columns) for _row in scope.rows]
    wanted = sorted({domain for listed in domains for domain in listed})
    if not scope.rows or not wanted:
        return matrix
    in_rows, row = _row_of_client(scope)
    counts = {
        f"c{index}": Count("case__client", distinct=True, filter=Q(domain__in=listed))
        for index, listed in enumerate(domains)
        if listed
    }
    lines = (
        counted_needs(at=at)
        .filter(in_rows, domain__in=wanted)
        .annotate(cw_row=row)
        .order_by()
        .values("cw_row")
        .annotate(**counts)
    )
    position = {row.key: index for index, row in enumerate(scope.rows)}
    for line in lines:
        index = position.get(_uuid(line["cw_row"]))
        if index is None:
            continue
        for name in counts:
            matrix[index][int(name[1:])] = line[name]
    return matrix


def _uuid(value) -> uuid.UUID:
    """Area ids come back as UUIDs (PostgreSQL) or text (SQLite)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


NOT_RECORDED = "not-recorded"  # the part of a region whose people have no district recorded


@dataclass(frozen=True)
class _Category:
    """One top-level category and the parts its people are split into for protection.

    ``part`` is the one narrower column any need domain calls for (None when none does); the rest
    of the category's people ("broad only": needs mapped to the category itself, or to a retired
    narrower term) make the second part, never shown on its own. A category whose needs reach two
    or more narrower columns cannot be split that way (one person could count in both), so it is
    protected whole and its narrower columns publish nothing (``additive`` False).
    """

    column: coverage.Column
    domains: tuple[str, ...]
    part: coverage.Column | None
    part_domains: tuple[str, ...]
    additive: bool


def _terms(scope: coverage.Scope):
    if scope.terms:
        return scope.terms
    return tuple(TaxonomyTerm.objects.filter(taxonomy_ref_id=coverage.caseway_taxonomy_id()).order_by("code"))


def _categories(scope: coverage.Scope) -> list[_Category]:
    """Every top-level category, whatever the scope shows: each figure on every cut of the map
    comes from the same protected tables."""
    terms = _terms(scope)
    by_id = {term.pk: term for term in terms}
    wanted = need_terms()

    def domains_of(column):
        return tuple(sorted(domain for domain, ids in wanted.items() if ids & set(column.term_ids)))

    categories = []
    for column in coverage.category_columns(terms):
        drilled = coverage.category_columns(terms, by_id[column.term_id])
        narrower = [drill for drill in drilled if drill.term_id != column.term_id]
        targeted = [drill for drill in narrower if domains_of(drill)]
        part = targeted[0] if len(targeted) == 1 else None
        categories.append(
            _Category(
                column=column,
                domains=domains_of(column),
                part=part,
                part_domains=domains_of(part) if part else (),
                additive=len(targeted) <= 1,
            )
        )
    return categories


def _area_counts(scope: coverage.Scope, categories, *, at=None) -> list[dict]:
    """Unprotected people per client area (a region or a district of the scope's country) and per
    category and part: one query."""
    counts = {}
    for index, category in enumerate(categories):
        if category.domains:
            counts[f"c{index}"] = Count("case__client", distinct=True, filter=Q(domain__in=category.domains))
        if category.part_domains and category.additive:
            counts[f"p{index}"] = Count("case__client", distinct=True, filter=Q(domain__in=category.part_domains))
    if not counts:
        return []
    regions = coverage.rows_queryset(scope.country, AdminArea.Level.ADMIN1).values("pk")
    wanted = sorted({domain for category in categories for domain in category.domains})
    return list(
        counted_needs(at=at)
        .filter(Q(case__client__admin_area__in=regions) | Q(case__client__admin_area__parent__in=regions))
        .filter(domain__in=wanted)
        .order_by()
        .values(
            cw_area=F("case__client__admin_area"),
            cw_parent=F("case__client__admin_area__parent"),
            cw_level=F("case__client__admin_area__level"),
        )
        .annotate(**counts)
    )


@dataclass
class _Protected:
    """Protected figures per region and per district part, per category (and its part)."""

    region: dict = field(default_factory=dict)  # (region, category index, "all"|"part") -> value
    district: dict = field(default_factory=dict)  # (district, category index, "all"|"part") -> value


def _protect(scope: coverage.Scope, categories, *, at=None) -> _Protected:
    """One ``protect_table`` per region and category: rows the region's districts and its people
    with no district recorded, columns the category's parts; margins are the districts' figures
    for the category (row totals), the region's figures per part (column totals) and the region's
    figure for the category (grand total). Every figure of every cut of the map is an entry of one
    of these tables or a sum of published entries, so nothing hidden can be worked out between
    regions and districts, or between a category and its narrower terms."""
    by_region: dict = {}
    for line in _area_counts(scope, categories, at=at):
        area = _uuid(line["cw_area"])
        if line["cw_level"] == AdminArea.Level.ADMIN1:
            region, part = area, NOT_RECORDED
        else:
            region, part = _uuid(line["cw_parent"]), area
        by_region.setdefault(region, {})[part] = line
    protected = _Protected()
    for region, parts in by_region.items():
        # Always the same rows in the same order (districts by id, then "not recorded"), whichever
        # cut is asked for: the same table must be hidden the same way on every page and export.
        order = [*sorted((part for part in parts if part != NOT_RECORDED), key=str), NOT_RECORDED]
        for index, category in enumerate(categories):
            whole = [parts.get(part, {}).get(f"c{index}", 0) for part in order]
            split = category.additive and category.part is not None
            if split:
                inside = [parts.get(part, {}).get(f"p{index}", 0) for part in order]
                matrix = [[part_count, count - part_count] for count, part_count in zip(whole, inside, strict=True)]
            else:
                matrix = [[count] for count in whole]
            table = disclosure.protect_table(matrix)
            protected.region[(region, index, "all")] = table.total
            if split:
                protected.region[(region, index, "part")] = table.column_totals[0]
            for row, part in enumerate(order):
                if part == NOT_RECORDED:
                    continue  # protected with the rest, never shown on its own
                protected.district[(part, index, "all")] = table.row_totals[row]
                if split:
                    protected.district[(part, index, "part")] = table.cells[row][0]
    return protected


def _sum(values):
    """A sum of published figures, or None when any is hidden (it would give the hidden one away)."""
    values = list(values)
    return None if any(value is None for value in values) else sum(values)


def needs_figures(scope: coverage.Scope) -> dict[str, coverage.Figures]:
    """The ``needs`` measure of every cell and total, protected (see the module's docstring)."""
    if not scope.rows or not scope.columns:
        return {MEASURE_KEY: coverage.Figures()}
    categories = _categories(scope)
    protected = _protect(scope, categories)
    regions = {region for region, _index, _kind in protected.region}
    top = {category.column.term_id: index for index, category in enumerate(categories)}
    chosen = scope.category.pk if scope.category is not None else None
    chosen_index = top.get(chosen)

    def source(column):
        """(category index, "all"|"part") the column's figures come from; 0 for a column no need
        calls for; None for one that publishes nothing."""
        if column.term_id in top:
            return top[column.term_id], "all"
        category = categories[chosen_index] if chosen_index is not None else None
        if category is None or not category.additive:
            return None
        if category.part is not None and column.term_id == category.part.term_id:
            return chosen_index, "part"
        return 0

    sources = [source(column) for column in scope.columns]
    figures_of = protected.region if scope.level == AdminArea.Level.ADMIN1 else protected.district

    def cell(area, where):
        if where is None or where == 0:
            return where
        return figures_of.get((area, *where), 0)

    def country(where):
        if where is None or where == 0:
            return where
        return _sum(protected.region.get((region, *where), 0) for region in regions)

    cells = {
        (row.key, column.key): cell(row.key, where)
        for row in scope.rows
        for column, where in zip(scope.columns, sources, strict=True)
    }
    column_totals = {column.key: country(where) for column, where in zip(scope.columns, sources, strict=True)}
    return {
        MEASURE_KEY: coverage.Figures(
            cells=cells,
            row_totals={row.key: _sum(cells[(row.key, column.key)] for column in scope.columns) for row in scope.rows},
            column_totals=column_totals,
            total=_sum(column_totals.values()),
        )
    }


class _Note:
    """The sentence under the map (lazy: the threshold is read, and translated, when shown)."""

    def __str__(self):
        return str(
            _(
                "Needs: people with an open need in that area and category, counted only when they agreed "
                "to anonymous statistics. Totals add the categories up; a region, and the country, also count "
                "people whose district is not recorded. “%(marker)s”: fewer than %(threshold)d people, "
                "or a figure from which such a number could be worked out."
            )
            % {"marker": disclosure.MARKER, "threshold": disclosure.threshold()}
        )

    def __bool__(self):
        return True


PROVIDER = coverage.MeasureProvider(
    key=PROVIDER_KEY,
    measures=(
        coverage.Measure(
            MEASURE_KEY,
            _("Needs"),
            "#inneed+ind",
            demand=True,
            none_text=disclosure.MARKER,
            note=_Note(),
        ),
    ),
    compute=needs_figures,
)


def register() -> None:
    """Adds the ``needs`` measure to the coverage map (called from ``ClientsConfig.ready``)."""
    coverage.register_provider(PROVIDER)
