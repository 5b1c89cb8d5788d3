"""Computing indicators and reading them out, protected.

- ``compute``: the raw result of one indicator version for a period, scope and up to two
  dimensions, from the database (``measures``): one query per measure (two for a rate, one for a
  count or a median) whatever the number of rows.
- ``indicator_values``: the selector of dashboards, exports and the API. Tables of values with
  their numerators and denominators, **through** ``lib.disclosure`` (small counts hidden, and
  whatever would reveal them), from the stored snapshots by default (``from_snapshot``), computed
  live where none is stored. Fixed number of queries: indicators, snapshots, one per dimension's
  categories (areas, organizations), plus the live computations of what no snapshot holds.
- ``progress``: the targets of a scope and period, with the value reached and how far along.

Thresholds count *people*: every count comes with its number of distinct clients per cell and
margin (same query), and an entry of fewer than the threshold in people is hidden however many
units (referrals, goals, deadlines...) it holds; in public, an entry counted from a single
organization too. A table by two dimensions is protected with its two one-way tables
(``disclosure.protect_two_way``), stored in one order (sex first) and turned when asked the other
way; a stored snapshot is never mixed with live figures of the same period and scope.

How a rate is protected: its numerator and its *rest* (denominator − numerator) are each a count
table protected with complementary suppression; a denominator is shown only where both its parts
are, and a percentage only where both are and ``protect_share`` allows it, so no hidden count can
be worked out from the shown numerators, denominators and percentages. A median is shown where its
base (how many values) is shown and reaches the threshold (``protect_measure``).
"""

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Case, F, JSONField, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from caseway.indicators import access, measures
from caseway.indicators.dimensions import (
    BY_ORGANIZATION,
    DIMENSIONS,
    UNKNOWN,
    Dimension,
    fingerprint,
    resolve,
    stored_order,
)
from caseway.indicators.measures import MARGIN, Context
from caseway.indicators.models import Direction, Indicator, Snapshot, Target, Unit
from caseway.indicators.periods import Period, Scope
from caseway.lib import disclosure

SNAPSHOT, LIVE = "snapshot", "live"


# ---------------------------------------------------------------------------------------------
# Raw results (what a snapshot stores)


@dataclass(frozen=True)
class Raw:
    """Units counted per cell (keys: one category key per dimension) and, for a median, per cell
    and margin ("*") the number of values and their median in days. ``people``: distinct clients
    per cell *and* margin, of the numerator (a count, a rate's part) or of a median's values;
    ``rest_people``: of a rate's rest (denominator − numerator); ``organizations`` and
    ``rest_organizations`` likewise, distinct organizations. The thresholds apply to people."""

    numerator: dict
    denominator: dict | None = None
    medians: dict | None = None
    people: dict | None = None
    rest_people: dict | None = None
    organizations: dict | None = None
    rest_organizations: dict | None = None

    def to_json(self) -> dict:
        def pairs(counts):
            return None if counts is None else [[list(key), value] for key, value in sorted(counts.items())]

        return {
            "numerator": pairs(self.numerator),
            "denominator": pairs(self.denominator),
            "medians": None
            if self.medians is None
            else [[list(key), base, days] for key, (base, days) in sorted(self.medians.items())],
            "people": pairs(self.people),
            "rest_people": pairs(self.rest_people),
            "organizations": pairs(self.organizations),
            "rest_organizations": pairs(self.rest_organizations),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Raw":
        def counts(pairs):
            return None if pairs is None else {tuple(key): value for key, value in pairs}

        medians = data.get("medians")
        return cls(
            numerator=counts(data.get("numerator")) or {},
            denominator=counts(data.get("denominator")),
            medians=None if medians is None else {tuple(key): (base, days) for key, base, days in medians},
            people=counts(data.get("people")),
            rest_people=counts(data.get("rest_people")),
            organizations=counts(data.get("organizations")),
            rest_organizations=counts(data.get("rest_organizations")),
        )

    def turned(self) -> "Raw":
        """The same figures with the two dimensions' places swapped."""

        def swap(counts):
            return None if counts is None else {tuple(reversed(key)): value for key, value in counts.items()}

        return Raw(*(swap(getattr(self, name)) for name in self.__dataclass_fields__))


def check_dimensions(indicator: Indicator, dimensions, *, stored=False) -> tuple[Dimension, ...]:
    chosen = resolve(dimensions, stored=stored)
    for dimension in chosen:
        if dimension.key not in indicator.dimensions:
            raise ValueError(
                _("%(indicator)s cannot be broken down by %(dimension)s.")
                % {"indicator": indicator.localized_name(), "dimension": dimension.label}
            )
    return chosen


def compute(indicator: Indicator, *, period: Period, scope: Scope, dimensions=(), now=None) -> Raw:
    """``indicator`` for ``period`` and ``scope``, by ``dimensions`` (keys), from the database."""
    keys = tuple(dimensions)
    return compute_group(indicator, period=period, scope=scope, breakdowns=[keys], now=now)[keys]


def compute_group(indicator: Indicator, *, period: Period, scope: Scope, breakdowns, now=None) -> dict[tuple, Raw]:
    """``indicator`` for ``period`` and ``scope`` by each of ``breakdowns`` (tuples of dimension
    keys), as of one moment, from the database: one query for them all (a rate: its numerator
    and its rest, the denominator's units the numerator does not count, so that the people of
    each part are known)."""
    chosen = [check_dimensions(indicator, keys, stored=True) for keys in breakdowns]
    context = Context(period=period, now=now or timezone.now())
    numerator = measures.get(indicator.numerator)
    if indicator.unit == Unit.MEDIAN_DAYS:
        return {
            keys: Raw(
                numerator={},
                medians={key: (median.size, median.days) for key, median in found.items()},
                people={key: median.people for key, median in found.items()},
                organizations={key: median.organizations for key, median in found.items()},
            )
            for keys, found in measures.medians(numerator, context, scope, chosen).items()
        }
    if not indicator.denominator:
        return {
            keys: Raw(numerator=counted.units, people=counted.people, organizations=counted.organizations)
            for keys, counted in measures.counts(numerator, context, scope, chosen).items()
        }
    base = measures.get(indicator.denominator)
    results = {}
    for keys, (counted, rest) in measures.rate_counts(numerator, base, context, scope, chosen).items():
        cells = set(counted.units) | set(rest.units)
        results[keys] = Raw(
            numerator=counted.units,
            denominator={key: counted.units.get(key, 0) + rest.units.get(key, 0) for key in cells},
            people=counted.people,
            rest_people=rest.people,
            organizations=counted.organizations,
            rest_organizations=rest.organizations,
        )
    return results


# ---------------------------------------------------------------------------------------------
# Protected tables (what leaves)


def _stale_message(period: Period, dimensions) -> str:
    if not dimensions:
        return _(
            "The totals stored for %(period)s are out of date, and stored figures are never mixed with "
            "figures computed now: choose another period."
        ) % {"period": period.key}
    return _(
        "The figures stored for %(period)s have no up-to-date breakdown by %(dimensions)s, and stored "
        "figures are never mixed with figures computed now: choose another breakdown or period."
    ) % {"period": period.key, "dimensions": ", ".join(str(dimension.label) for dimension in dimensions)}


@dataclass(frozen=True)
class Cell:
    """One figure. ``value``: the count, the percentage (0–100) or the median in days; None when
    hidden or when there is nothing to compute it from (``suppressed`` tells which)."""

    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None  # the base of a rate; for a median, how many values
    suppressed: bool = False


@dataclass(frozen=True)
class IndicatorTable:
    """One indicator for one period, scope and disaggregation, protected.

    No dimension: ``total`` only. One: ``rows`` and ``row_totals`` (one cell per category) and
    ``total``. Two: ``rows`` × ``columns`` ``cells`` with ``row_totals``, ``column_totals`` and
    ``total``. Rows and columns are (category key, label), every category listed, zeros included.
    """

    indicator: Indicator
    period: Period
    scope: Scope
    dimensions: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]
    columns: tuple[tuple[str, str], ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    total: Cell
    threshold: int
    source: str  # "snapshot" or "live"
    computed_at: datetime.datetime

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def version(self) -> int:
        return self.indicator.version

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def any_suppressed(self) -> bool:
        every = [self.total, *self.row_totals, *self.column_totals, *(cell for row in self.cells for cell in row)]
        return any(cell.suppressed for cell in every)


@dataclass(frozen=True)
class _Grid:
    """Counts after suppression, in the table's shape (None: hidden)."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None


def _normalize(counts: dict, categories: list[list[str]]) -> dict:
    """Keys outside the listed categories (an area added since) count under "unknown"."""
    return _merged(counts, categories)[0]


def _merged(counts: dict, categories: list[list[str]]) -> tuple[dict, set]:
    """(``counts`` with unlisted keys under "unknown", the keys that received unlisted ones).
    Margins ("*") stay margins."""
    listed = [set(keys) for keys in categories]
    result, merged = {}, set()
    for key, value in counts.items():
        fixed = tuple(part if part == MARGIN or part in listed[i] else UNKNOWN for i, part in enumerate(key))
        if fixed != key:
            merged.add(fixed)
        result[fixed] = result.get(fixed, 0) + value
    return result, merged


# A public cell fed by a single organization is that organization's figure (GBVIMS rule): public
# tables hide cells, margins and totals counted from fewer organizations than this.
PUBLIC_MINIMUM_ORGANIZATIONS = 2


@dataclass(frozen=True)
class _Few:
    """Which entries to hide whatever their count: too few people (or, in public, organizations)."""

    people: dict
    organizations: dict | None
    limit: int
    hide_all: bool = False

    def __call__(self, key) -> bool:
        if self.hide_all:
            return True
        if disclosure.is_small(self.people.get(key, 0), self.limit):
            return True
        if self.organizations is None:
            return False
        return 0 < self.organizations.get(key, 0) < PUBLIC_MINIMUM_ORGANIZATIONS


def _few(people, organizations, categories, limit, public) -> _Few:
    if people is None:
        # A result without its people (stored in an older format) is never protected by units.
        raise ValueError("These figures were stored without their number of people: recompute them.")
    if public and organizations is None:
        # Stored before medians counted their organizations: in public, whether a figure comes
        # from a single organization is unknown, so none is shown (the next run stores them).
        return _Few({}, None, limit, hide_all=True)
    shown_organizations = _normalize(organizations, categories) if public else None
    return _Few(_normalize(people, categories), shown_organizations, limit)


def _margin(n: int) -> tuple:
    return (MARGIN,) * n


def _grid(counts: dict, categories: list[list[str]], limit: int, few: _Few) -> _Grid:
    """``counts`` protected in the table's shape. One way: ``disclosure.protect_one_way``; two ways:
    ``disclosure.protect_two_way``, whose margins are exactly the one-way tables, so the tables of
    one indicator, period and scope can be read together."""
    if len(categories) == 0:
        # A figure on its own: a one-cell table (the cell is its own total).
        count = counts.get((), 0)
        return _Grid(
            (), (), (), disclosure.protect_counts([count], threshold=limit, forced=[0] if few(()) else []).values[0]
        )
    if len(categories) == 1:
        values = [counts.get((key,), 0) for key in categories[0]]
        protected = disclosure.protect_one_way(
            values,
            threshold=limit,
            forced=[i for i, key in enumerate(categories[0]) if few((key,))],
            total_hidden=disclosure.is_small(sum(values), limit) or few(_margin(1)),
        )
        return _Grid((), protected.values, (), protected.total)
    rows, columns = categories
    matrix = [[counts.get((row, column), 0) for column in columns] for row in rows]
    total = sum(sum(row) for row in matrix)
    protected = disclosure.protect_two_way(
        matrix,
        threshold=limit,
        hidden_cells=[(r, c) for r, row in enumerate(rows) for c, column in enumerate(columns) if few((row, column))],
        hidden_rows=[r for r, row in enumerate(rows) if few((row, MARGIN))],
        hidden_columns=[c for c, column in enumerate(columns) if few((MARGIN, column))],
        total_hidden=disclosure.is_small(total, limit) or few(_margin(2)),
    )
    return _Grid(protected.cells, protected.row_totals, protected.column_totals, protected.total)


def _raw_grid(counts: dict, categories: list[list[str]]) -> _Grid:
    """The same shape, unprotected: for the shares' arithmetic only, never returned."""
    if len(categories) == 0:
        return _Grid((), (), (), counts.get((), 0))
    if len(categories) == 1:
        values = tuple(counts.get((key,), 0) for key in categories[0])
        return _Grid((), values, (), sum(values))
    rows, columns = categories
    cells = tuple(tuple(counts.get((row, column), 0) for column in columns) for row in rows)
    return _Grid(
        cells,
        tuple(sum(row) for row in cells),
        tuple(sum(row[j] for row in cells) for j in range(len(columns))),
        sum(sum(row) for row in cells),
    )


def _map(function, *grids: _Grid) -> tuple:
    """Apply ``function`` entry by entry over grids of the same shape: (cells, rows, columns, total)."""
    first = grids[0]
    cells = tuple(
        tuple(function(*(grid.cells[i][j] for grid in grids)) for j in range(len(first.cells[i])))
        for i in range(len(first.cells))
    )
    rows = tuple(function(*(grid.row_totals[i] for grid in grids)) for i in range(len(first.row_totals)))
    columns = tuple(function(*(grid.column_totals[j] for grid in grids)) for j in range(len(first.column_totals)))
    return cells, rows, columns, function(*(grid.total for grid in grids))


def _count_cell(shown: int | None) -> Cell:
    return Cell(value=shown, numerator=shown, suppressed=shown is None)


def _rate_cell(limit):
    def cell(numerator_shown, rest_shown, numerator, rest) -> Cell:
        if numerator_shown is None or rest_shown is None:
            return Cell(
                value=None,
                numerator=numerator_shown,
                denominator=None,
                suppressed=True,
            )
        whole = numerator + rest
        if whole == 0:
            return Cell(value=None, numerator=0, denominator=0)
        share = disclosure.protect_share(numerator, whole, threshold=limit)
        return Cell(
            value=None if share is None else round(share * 100, 1),
            numerator=numerator,
            denominator=whole,
            suppressed=share is None,
        )

    return cell


def _median_cell(limit):
    def cell(base_shown, median) -> Cell:
        if base_shown is None:
            return Cell(value=None, denominator=None, suppressed=True)
        if base_shown == 0:
            return Cell(value=None, denominator=0)
        value = disclosure.protect_measure(median, base_shown, threshold=limit)
        return Cell(value=value, denominator=base_shown, suppressed=value is None)

    return cell


def protect(indicator: Indicator, raw: Raw, categories: list[list[str]], limit: int, *, public=False) -> tuple:
    """(cells, row totals, column totals, total) of ``Cell``, through ``lib.disclosure``.

    Every count is hidden where it holds fewer than ``limit`` *people* (and, in public, where it
    comes from a single organization), whatever its number of units."""
    if indicator.unit == Unit.MEDIAN_DAYS:
        medians = raw.medians or {}
        sizes = _normalize({key: base for key, (base, _days) in medians.items() if MARGIN not in key}, categories)
        few = _few(raw.people, raw.organizations, categories, limit, public)
        days, merged = _merged({key: value for key, (_base, value) in medians.items()}, categories)
        # A median of keys put together under "not known" is the median of none of them.
        days = {key: None if key in merged else value for key, value in days.items()}
        median_grid = _median_grid(days, categories)
        return _map(_median_cell(limit), _grid(sizes, categories, limit, few), median_grid)
    numerators = _normalize(raw.numerator, categories)
    few = _few(raw.people, raw.organizations, categories, limit, public)
    if not indicator.denominator:
        return _map(_count_cell, _grid(numerators, categories, limit, few))
    denominators = _normalize(raw.denominator or {}, categories)
    rests = {}
    for key in set(numerators) | set(denominators):
        rest = denominators.get(key, 0) - numerators.get(key, 0)
        if rest < 0:
            raise ValueError(f"{indicator}: the numerator is larger than the denominator in {key}.")
        rests[key] = rest
    few_rest = _few(raw.rest_people, raw.rest_organizations, categories, limit, public)
    return _map(
        _rate_cell(limit),
        _grid(numerators, categories, limit, few),
        _grid(rests, categories, limit, few_rest),
        _raw_grid(numerators, categories),
        _raw_grid(rests, categories),
    )


def _median_grid(days: dict, categories: list[list[str]]) -> _Grid:
    if len(categories) == 0:
        return _Grid((), (), (), days.get(()))
    if len(categories) == 1:
        return _Grid((), tuple(days.get((key,)) for key in categories[0]), (), days.get((MARGIN,)))
    rows, columns = categories
    return _Grid(
        tuple(tuple(days.get((row, column)) for column in columns) for row in rows),
        tuple(days.get((row, MARGIN)) for row in rows),
        tuple(days.get((MARGIN, column)) for column in columns),
        days.get((MARGIN, MARGIN)),
    )


# ---------------------------------------------------------------------------------------------
# Which version of an indicator


def current_indicators(codes=None, *, on: datetime.date | None = None) -> list[Indicator]:
    """The version of each indicator (``codes``, default all) in force ``on`` a day (default
    today): the latest valid by then, else the first. One query."""
    on = on or timezone.localdate()
    versions = Indicator.objects.order_by("code", "version")
    if codes is not None:
        versions = versions.filter(code__in=list(codes))
    chosen: dict[str, Indicator] = {}
    for indicator in versions:
        if indicator.code not in chosen or indicator.valid_from <= on:
            chosen[indicator.code] = indicator
    return list(chosen.values())


def _chosen(indicators, period: Period) -> list[Indicator]:
    if indicators is None:
        return current_indicators(on=period.end)
    indicators = list(indicators)
    given = [indicator for indicator in indicators if isinstance(indicator, Indicator)]
    codes = [indicator for indicator in indicators if not isinstance(indicator, Indicator)]
    return given + (current_indicators(codes, on=period.end) if codes else [])


# ---------------------------------------------------------------------------------------------
# The selector


class Unavailable(ValueError):
    """A breakdown that cannot be shown for a period: its figures are stored without it."""


def indicator_values(
    *,
    membership=None,
    public: bool = False,
    indicators=None,
    period: Period,
    scope: Scope | None = None,
    dimensions=(),
    from_snapshot: bool = True,
    now: datetime.datetime | None = None,
) -> tuple[IndicatorTable, ...]:
    """Protected tables of ``indicators`` (codes: the version in force at the period's end; or
    ``Indicator`` rows: that exact version; None: the whole library) for ``period``, ``scope`` and
    up to two ``dimensions`` (keys). Indicators that may not be broken down that way are left out.

    ``membership``: a coordinator sees any scope (default the network), organization staff their
    organization only (the default); ``public=True`` the network only, never by organization.
    Anyone else: ``Http404``. ``from_snapshot``: read stored snapshots; an indicator with no
    snapshot at all for the period and scope is computed live, but one whose snapshots lack this
    breakdown raises ``Unavailable`` (stored and live figures of one period are never mixed: a
    consent withdrawn since would show as a difference). False: compute everything live.
    """
    chosen_dimensions = resolve(dimensions)
    scope = access.check_public(scope, chosen_dimensions) if public else access.check_scope(membership, scope)
    options = {"indicators": indicators, "period": period, "from_snapshot": from_snapshot, "now": now}
    if not public and not scope.is_network and access.may_view_network(membership):
        return organization_tables(scope=scope, dimensions=chosen_dimensions, **options)
    return protected_tables(scope=scope, dimensions=chosen_dimensions, public=public, **options)


class ScopeRefused(ValueError):
    """A scope this viewer may see, but not in this form (a coordinator's set of organizations)."""


def organization_tables(*, indicators, period: Period, scope: Scope, dimensions, from_snapshot=True, now=None):
    """A coordinator's view of one organization: its column of the network's table by
    organization (and by ``dimensions``), which is protected together with the network's
    tables by each of them. Protected on their own, an organization's tables would not agree
    with the network's: the network's published cell less the other organizations' published
    cells would give back a cell hidden in one organization's table.

    Hence one organization at a time (a set of them would be a sum of columns, protected on its
    own again) and one breakdown at a time (two, by organization, would be a three-way table).
    Indicators that cannot be broken down by organization (people counted once in the network,
    whose organizations' figures do not add up to it) keep their own protection: a difference
    then only bounds a hidden cell."""
    if len(scope.organization_ids) != 1:
        raise ScopeRefused(_("Coordinators see the figures of one organization at a time."))
    if len(dimensions) > 1:
        raise ValueError(_("For one organization, choose one disaggregation at a time."))
    if any(dimension.key == BY_ORGANIZATION for dimension in dimensions):
        raise ValueError(_("The figures of one organization cannot be broken down by organization."))
    chosen = _chosen(indicators, period)
    together = [indicator for indicator in chosen if BY_ORGANIZATION in indicator.dimensions]
    apart = [indicator for indicator in chosen if BY_ORGANIZATION not in indicator.dimensions]
    options = {"period": period, "from_snapshot": from_snapshot, "now": now}
    found = {}
    if together:
        by_organization = (*dimensions, DIMENSIONS[BY_ORGANIZATION])
        network = protected_tables(indicators=together, scope=Scope.network(), dimensions=by_organization, **options)
        (organization_key,) = scope.organization_ids
        for table in network:
            found[table.indicator.pk] = _column_of(table, str(organization_key), scope, dimensions)
    if apart:
        for table in protected_tables(indicators=apart, scope=scope, dimensions=dimensions, **options):
            found[table.indicator.pk] = table
    return tuple(found[indicator.pk] for indicator in chosen if indicator.pk in found)


def _column_of(table: IndicatorTable, organization_key: str, scope: Scope, dimensions) -> IndicatorTable:
    """One organization's table out of the network's table by (``dimensions``, organization)."""
    keys = tuple(dimension.key for dimension in dimensions)
    listed = [key for key, _label in (table.columns if keys else table.rows)]
    if organization_key not in listed:
        raise Http404  # no such organization: like one the viewer may not see
    index = listed.index(organization_key)
    if not keys:
        rows, row_totals, total = (), (), table.row_totals[index]
    else:
        rows, row_totals, total = table.rows, tuple(row[index] for row in table.cells), table.column_totals[index]
    return replace(
        table,
        scope=scope,
        dimensions=keys,
        rows=rows,
        columns=(),
        cells=(),
        row_totals=row_totals,
        column_totals=(),
        total=total,
    )


def protected_tables(
    *,
    indicators,
    period: Period,
    scope: Scope,
    dimensions,
    from_snapshot=True,
    now=None,
    public=False,
) -> tuple[IndicatorTable, ...]:
    """The body of ``indicator_values`` once the viewer may see ``scope`` (the donors' selector
    shares it). Fixed number of queries: indicators, snapshots, one per dimension's categories
    (areas, organizations), plus the live computations of what no snapshot holds."""
    keys = tuple(dimension.key for dimension in dimensions)
    order = stored_order(keys)
    turned = order != keys
    wanted = [
        indicator for indicator in _chosen(indicators, period) if all(key in indicator.dimensions for key in keys)
    ]
    labelled = [DIMENSIONS[key].categories(scope) for key in order]
    categories = [[key for key, _label in listed] for listed in labelled]
    stored, snapshotted = _snapshots(wanted, period, scope, order) if from_snapshot else ({}, set())
    expected = fingerprint(order)
    now = now or timezone.now()
    limit = disclosure.threshold()
    tables = []
    for indicator in wanted:
        snapshot = stored.get(indicator.pk)
        if snapshot is not None and snapshot["fingerprint"] == expected:
            raw, source, computed_at = Raw.from_json(snapshot["wanted_cells"]), SNAPSHOT, snapshot["computed_at"]
        elif indicator.pk in snapshotted:
            raise Unavailable(_stale_message(period, dimensions))
        else:
            raw = compute(indicator, period=period, scope=scope, dimensions=order, now=now)
            source, computed_at = LIVE, now
        cells, rows, columns, total = protect(indicator, raw, categories, limit, public=public)
        row_labels = tuple(labelled[0]) if labelled else ()
        column_labels = tuple(labelled[1]) if len(labelled) > 1 else ()
        if turned:
            cells = tuple(zip(*cells, strict=True)) if cells else ()
            rows, columns = columns, rows
            row_labels, column_labels = column_labels, row_labels
        tables.append(
            IndicatorTable(
                indicator=indicator,
                period=period,
                scope=scope,
                dimensions=keys,
                rows=row_labels,
                columns=column_labels,
                cells=cells,
                row_totals=rows,
                column_totals=columns,
                total=total,
                threshold=limit,
                source=source,
                computed_at=computed_at,
            )
        )
    return tuple(tables)


def dimensions_key(keys) -> str:
    return ",".join(keys)


def _snapshots(indicators, period: Period, scope: Scope, keys) -> tuple[dict, set]:
    """({indicator pk: the snapshot by ``keys``, as a dict}, the pks of indicators with any snapshot
    for the period and scope), in one query (only the wanted snapshot's cells are read)."""
    if not indicators:
        return {}, set()
    key = dimensions_key(keys)
    found = (
        Snapshot.objects.filter(
            indicator__in=[indicator.pk for indicator in indicators],
            period_kind=period.kind,
            period_start=period.start,
            scope=scope.key,
        )
        .annotate(wanted_cells=Case(When(dimensions=key, then=F("cells")), output_field=JSONField()))
        .values("indicator_id", "dimensions", "fingerprint", "computed_at", "wanted_cells")
    )
    wanted, snapshotted = {}, set()
    for snapshot in found:
        snapshotted.add(snapshot["indicator_id"])
        if snapshot["dimensions"] == key:
            wanted[snapshot["indicator_id"]] = snapshot
    return wanted, snapshotted


# ---------------------------------------------------------------------------------------------
# Progress against targets


@dataclass(frozen=True)
class Progress:
    target: Target
    table: IndicatorTable
    value: float | int | None  # the protected value reached (None: hidden or nothing to compute)
    # How far from the baseline to the target (1.0: reached; below 0: worse than the baseline), or
    # from zero without a baseline; None when the value is hidden, the way is empty, or lower is
    # better and there is no baseline.
    achieved: float | None
    reached: bool | None  # the target met (in the indicator's direction); None when unknown

    @property
    def indicator(self) -> Indicator:
        return self.target.indicator


def progress(
    *,
    membership=None,
    period: Period,
    scope: Scope | None = None,
    indicators=None,
    from_snapshot: bool = True,
    now: datetime.datetime | None = None,
) -> tuple[Progress, ...]:
    """The targets set for ``scope`` (the network, or one organization) and ``period``, each with
    the protected value reached. Same access rule as ``indicator_values``."""
    scope = access.check_scope(membership, scope)
    targets = Target.objects.filter(period_kind=period.kind, period_start=period.start).select_related("indicator")
    if scope.is_network:
        targets = targets.filter(organization__isnull=True)
    elif len(scope.organization_ids) == 1:
        targets = targets.filter(organization_id=next(iter(scope.organization_ids)))
    else:
        return ()  # targets are set for the network or one organization
    if indicators is not None:
        targets = targets.filter(indicator__code__in=list(indicators))
    # One target per indicator code: a target set on an older version of the same indicator is
    # replaced by ``services.target_set``; should two remain, the latest set counts.
    latest = {}
    for target in targets.order_by("indicator__code", "-set_at", "-pk"):
        latest.setdefault(target.indicator.code, target)
    targets = list(latest.values())
    tables = indicator_values(
        membership=membership,
        indicators=[target.indicator for target in targets],
        period=period,
        scope=scope,
        from_snapshot=from_snapshot,
        now=now,
    )
    by_indicator = {table.indicator.pk: table for table in tables}
    return tuple(_progress(target, by_indicator[target.indicator_id]) for target in targets)


def _progress(target: Target, table: IndicatorTable) -> Progress:
    value = table.total.value
    if value is None:
        return Progress(target, table, None, None, None)
    reached_value, goal = Decimal(str(value)), target.target
    higher = target.indicator.direction == Direction.HIGHER
    reached = reached_value >= goal if higher else reached_value <= goal
    if target.baseline is None and not higher:
        # Lower is better and no starting point: there is no "way" to measure along (from zero
        # upwards would call a worse value more progress).
        return Progress(target, table, value, None, reached)
    start = target.baseline if target.baseline is not None else Decimal(0)
    way = goal - start
    # Negative when the value moved away from the target: said as it is, never clipped.
    achieved = None if way == 0 else round(float((reached_value - start) / way), 3)
    return Progress(target, table, value, achieved, reached)
