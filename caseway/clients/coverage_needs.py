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

Totals add the cells up (``disclosure.protect_table`` protects a table whose margins are the sums
of its cells): a column total is the number of people in need of that category in the country
(each person has one area), a row total and the grand total count *needs* (a person in need of two
categories counts in both).

Disclosure control: the whole table (cells, row, column and grand totals) goes through
``disclosure.protect_table`` with the configured threshold: small counts hidden, and the
complements that keep them from being worked out. A hidden value is None, shown as the marker, and
never makes a gap an "unmet need" (it may stand for a zero). What is not covered (the limits of
``disclosure``): tables of the same data cut differently (regions and their districts, a category
and its narrower terms) are protected one by one, not against each other.

One query whatever the number of clients or needs: the people are counted per area and column in
the database (``COUNT(DISTINCT client) FILTER (...)`` per column, grouped by the row's area).
"""

import uuid
from functools import cache

from django.db.models import Case, Count, F, Q, When
from django.utils.translation import gettext_lazy as _

from caseway.clients import consent
from caseway.clients.models import CaseStatus, ConsentPurpose, Need
from caseway.directory import coverage
from caseway.directory.models import AdminArea
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


def needs_figures(scope: coverage.Scope) -> dict[str, coverage.Figures]:
    """The ``needs`` measure of every cell and total, protected (see the module's docstring)."""
    if not scope.rows or not scope.columns:
        return {MEASURE_KEY: coverage.Figures()}
    protected = disclosure.protect_table(needs_counts(scope))
    columns = [column.key for column in scope.columns]
    return {
        MEASURE_KEY: coverage.Figures(
            cells={
                (row.key, column): protected.cells[r][c]
                for r, row in enumerate(scope.rows)
                for c, column in enumerate(columns)
            },
            row_totals={row.key: protected.row_totals[r] for r, row in enumerate(scope.rows)},
            column_totals={column: protected.column_totals[c] for c, column in enumerate(columns)},
            total=protected.total,
        )
    }


class _Note:
    """The sentence under the map (lazy: the threshold is read, and translated, when shown)."""

    def __str__(self):
        return str(
            _(
                "Needs: people with an open need in that area and category, counted only when they agreed "
                "to anonymous statistics. Totals add the categories up. “%(marker)s”: fewer than "
                "%(threshold)d people, or a figure from which such a number could be worked out."
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
