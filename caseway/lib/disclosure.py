"""Disclosure control for count tables: small cells are hidden, and so is whatever would reveal them.

DESIGN.md, principle 5: no aggregate leaves without disclosure control. Every statistic that
leaves Caseway (pages, CSV, API) goes through this module first. Floor 0: no models, no
Caseway imports; the threshold comes from settings (``SMALL_CELL_THRESHOLD``, from the
``CASEWAY_SMALL_CELL_THRESHOLD`` environment variable, default 5, refused at start-up outside
3–100; an explicit ``threshold=`` below 3 is refused too).

The rules
---------
1. **Primary suppression.** A count from 1 to threshold − 1 is hidden: with so few people, a
   reader who knows one of them could learn something about her.
2. **True zeros are shown.** A 0 reveals nothing about anyone (nobody is in that cell) and,
   like most statistical agencies, we show it: hiding zeros would hide most of a small
   network's tables for no protection. A zero may still be hidden as a complement (rules 3 and
   6) when nothing else can protect a hidden cell.
3. **Secondary (complementary) suppression.** A table publishes its totals, so a lone hidden
   cell in a row or a column could be worked out by subtraction from the total. Every *line*
   (a row with its row total, a column with its column total, the margins with the grand
   total) therefore holds either no hidden entry or at least two. Where a line has exactly one,
   the smallest other non-zero cell of that line is hidden too (among cells whose other line
   already holds a hidden entry first, so two-way tables lose a rectangle of four cells rather
   than a chain; ties: the first one); failing that, the line's total; failing that, a zero.
   Hiding one entry can leave another line with a lone hidden entry, so this repeats until
   nothing changes (the hidden set only grows, so it ends). Totals that are themselves small
   are hidden by rule 1.
4. **Published totals.** A total that another table publishes anyway (the number of referrals
   appears in every table of one period) gains nothing from being hidden as a complement:
   ``total_published=True`` keeps the algorithm from choosing it (a small total is still hidden
   by rule 1). A total that another table hides must be hidden here as well
   (``total_hidden=True``), or it would reveal that cell.
5. **Rates and medians.** A share is hidden when its base is below the threshold, or when its
   part or the rest of its base is a small count (a published share and base give both back).
   A median or percentile is hidden when it rests on fewer than threshold values.
6. **Audit: nothing hidden can be worked out exactly.** Two hidden per line is not enough: the
   lines together can still give a hidden entry back (a hidden cell that is a "bridge" of the
   hidden entries, on no cycle of them, is fixed by the equations), and counts are never
   negative, so hidden zeros can pin the cells around them. After rule 3 every hidden entry is
   checked exactly, as a flow network (see ``_residual``): it must be able to take at least one
   other value consistent with everything published in this table (its published cells, row,
   column and grand totals, non-negative counts). One that cannot gets the cheapest set of
   further entries hidden (shortest path: fewest people hidden, cells before totals in
   practice) that puts it on a cycle where it can move. The real-valued bounds are the standard
   "interval" audit; the equations are those of a transportation problem, so an interval wider
   than a point holds at least two whole numbers. The only entries left pinned are those a total
   published elsewhere gives back whatever else is hidden (a one-row table's row total is its
   grand total). Deterministic: the same table gives the same result.
7. **Rounding (optional, off unless asked).** ``round_to=5`` (or ``True`` for
   ``ROUNDING_BASE``) rounds every *published* count to the nearest multiple, halves up, after
   suppression; each total is rounded on its own, so rounded cells need not add up to rounded
   totals. A rounded figure can be below the threshold (6 shows as 5 with a threshold of 6):
   it stands for a range, not a count.
8. **Public outputs never name an organization** (GBVIMS information-sharing rule: data shared
   beyond the agencies that collected it is aggregated so that neither a survivor nor the
   reporting organization can be identified). ``without_organizations`` adds up a table's
   organization dimensions before suppression (a table by organization alone becomes its
   total), and ``refuse_organization_names`` is the last check on the labels of a public page
   or export.

One marker for every hidden value, primary or complementary: different markers would tell a
reader which hidden cells are small.

9. **Tables published together.** A table by two dimensions is published beside the tables by
   each dimension alone, which are its margins: ``protect_two_way`` protects those one-way tables
   first (``protect_one_way``, the one rule for a one-way table), then the two-way table with the
   margins they hide hidden and those they publish never chosen (``hidden=``/``published=`` of
   ``protect_table``); if a hidden entry is still given back by what is published elsewhere
   (``pinned``), every cell of the two-way table is hidden. ``forced`` / ``hidden_*`` entries are
   hidden whatever their count: callers pass the cells of too few *people* (one person's ten
   referrals are ten units but one person).

What is *not* guaranteed: the audit covers one table with its margins, and the tables the caller
says are published with it; it does not stop a reader from narrowing a hidden cell to a small
range (no protection interval is required, only that the value is not exact), and it does not
look across other tables: filters that slice the same data twice (periods that contain each
other, scopes that add up), or tables sharing cells without sharing the same suppression, can
still be differenced.
"""

import heapq
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, pgettext_lazy

MARKER = pgettext_lazy("a statistic hidden to protect people", "hidden")
MINIMUM_THRESHOLD = 3  # never configurable below: a 1 or a 2 is too easy to recognise
ROUNDING_BASE = 5  # rule 7, when rounding is asked for without a base


def threshold() -> int:
    """The configured threshold: counts from 1 to this minus one are hidden."""
    return settings.SMALL_CELL_THRESHOLD


def legend(limit: int | None = None, rounded_to: int | None = None) -> str:
    """The words that explain the marker, under every table that may hold one (and the rounding,
    when the table was rounded)."""
    limit = threshold() if limit is None else limit
    words = gettext(
        "“%(marker)s”: fewer than %(threshold)d, or a figure from which such a number could be worked out. "
        "Hidden to protect people. Rates and times are hidden when they rest on too few referrals."
    ) % {"marker": MARKER, "threshold": limit}
    if rounded_to:
        words += " " + gettext(
            "Counts are rounded to the nearest %(base)d, totals on their own, so they may not add up."
        ) % {"base": rounded_to}
    return words


def is_small(count: int, limit: int) -> bool:
    return 0 < count < limit


def shown(value):
    """``value`` for display: the marker when hidden (None)."""
    return MARKER if value is None else value


# ---------------------------------------------------------------------------------------------
# The algorithm, on a flat list of entries and the lines (lists of entry indices) that add up


_FREE = -1  # the vertex of entries that belong to one line only


@dataclass(frozen=True)
class _Line:
    parts: tuple[int, ...]  # entries that add up to ...
    total: int  # ... this entry


def _complement(values, line: _Line, hidden: set[int], fixed: frozenset[int], new_lone) -> int | None:
    """The entry of ``line`` to hide next to its lone hidden one (see rule 3).

    The smallest other non-zero cell, but first among those whose other lines already hold a
    hidden entry (``new_lone``: how many lines hiding it would leave with a lone hidden entry), so
    a lone cell in a two-way table is covered by a rectangle of four rather than a cascade.
    """
    free = [i for i in line.parts if i not in hidden and i not in fixed]
    non_zero = [i for i in free if values[i] > 0]
    if non_zero:
        return min(non_zero, key=lambda i: (new_lone(i), values[i], i))
    if line.total not in hidden and line.total not in fixed:
        return line.total
    if free:
        return min(free, key=lambda i: (new_lone(i), i))
    return None  # every entry hidden or fixed: nothing left to hide (only with fixed entries)


def _suppress(
    values: Sequence[int],
    lines: Sequence[_Line],
    limit: int,
    *,
    ends: Sequence[tuple[int, int]],
    fixed=frozenset(),
    forced=(),
) -> tuple[set[int], set[int]]:
    """(hidden entries, hidden entries still pinned: a published ``fixed`` entry gives them back)."""
    if any(value < 0 for value in values):
        raise ValueError("Counts cannot be negative.")
    hidden = {i for i, value in enumerate(values) if is_small(value, limit)} | set(forced)
    lines_of = {}
    for line in lines:
        for i in (*line.parts, line.total):
            lines_of.setdefault(i, []).append(line)

    def hidden_in(line):
        return sum(1 for i in (*line.parts, line.total) if i in hidden)

    def new_lone(i):
        return sum(1 for other in lines_of.get(i, ()) if hidden_in(other) == 0)

    changed = True
    while changed:
        changed = False
        for line in lines:
            if hidden_in(line) != 1:
                continue
            choice = _complement(values, line, hidden, fixed, new_lone)
            if choice is not None:
                hidden.add(choice)
                changed = True
    pinned = _widen(values, ends, hidden, fixed)
    return hidden, pinned


# ---------------------------------------------------------------------------------------------
# The audit (rule 6): the hidden entries as a network
#
# Every entry adds up in at most two lines, once with a plus and once with a minus once the lines
# are signed (a cell is a part of its row and of its column; a row total is the total of its row
# and a part of the grand total's line...). So each entry is an arc between two vertices, the
# lines (``ends``: tail, head), and the lines say that what flows into a vertex flows out of it
# (a vertex ``_FREE`` stands for "no line": one-way tables). What a reader knows of the hidden
# entries is then a flow problem: the published entries fix how much hidden flow crosses each
# vertex, and counts are never negative. A hidden entry can take another value exactly when some
# cycle of hidden entries through it can carry a little more or a little less: more along the
# entry and, around the cycle, more on entries in the same direction and less on entries in the
# other, where "less" is possible only on an entry above zero. That is a directed cycle in the
# "residual" graph: arc tail → head for every hidden entry (it may grow), head → tail for a hidden
# entry above zero (it may shrink). An entry with no such cycle either way is pinned: the
# published figures give it back (a "bridge" of the hidden entries, or an entry held by zeros).


def _residual(values, ends, hidden):
    arcs = {}
    for i in sorted(hidden):
        tail, head = ends[i]
        arcs.setdefault(tail, []).append((head, i))
        if values[i] > 0:
            arcs.setdefault(head, []).append((tail, i))
    return arcs


def _reaches(arcs, start, goal, without: int) -> bool:
    """A directed path from ``start`` to ``goal`` not using entry ``without``."""
    seen, stack = {start}, [start]
    while stack:
        vertex = stack.pop()
        if vertex == goal:
            return True
        for nxt, entry in arcs.get(vertex, ()):
            if entry != without and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _movable(values, ends, arcs, i) -> bool:
    tail, head = ends[i]
    if _reaches(arcs, head, tail, i):  # it can grow
        return True
    return values[i] > 0 and _reaches(arcs, tail, head, i)  # it can shrink


def _cheapest_cycle(values, ends, hidden, fixed, i) -> list[int] | None:
    """The entries to hide so that entry ``i`` lies on a cycle that lets it move: the cheapest
    path (Dijkstra; hidden entries cost nothing, another entry its value plus one) closing a
    cycle with ``i`` in either direction (shrinking only when it is above zero). None: there is
    none (every entry that could help is fixed)."""
    arcs = {}
    for j, (tail, head) in enumerate(ends):
        if j == i or (j in fixed and j not in hidden):
            continue
        cost = 0 if j in hidden else values[j] + 1
        arcs.setdefault(tail, []).append((cost, head, j))
        if values[j] > 0:
            arcs.setdefault(head, []).append((cost, tail, j))
    tail, head = ends[i]
    best = None
    for start, goal in ((head, tail), (tail, head)) if values[i] > 0 else ((head, tail),):
        found = _dijkstra(arcs, start, goal)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    return None if best is None else [j for j in best[1] if j not in hidden]


def _dijkstra(arcs, start, goal):
    queue = [(0, start, ())]
    done = set()
    while queue:
        cost, vertex, path = heapq.heappop(queue)
        if vertex == goal:
            return cost, path
        if vertex in done:
            continue
        done.add(vertex)
        for step, nxt, entry in arcs.get(vertex, ()):
            if nxt not in done:
                heapq.heappush(queue, (cost + step, nxt, (*path, entry)))
    return None


def _widen(values, ends, hidden: set[int], fixed) -> set[int]:
    """Rule 6: hide more until no hidden entry is pinned, except those nothing can free (their
    cycles need a fixed entry): those are returned. Hiding only adds arcs, so a freed entry stays
    free and each entry is settled once; entries are looked at in order, so the result is
    deterministic."""
    settled: set[int] = set()
    stuck: set[int] = set()
    arcs = _residual(values, ends, hidden)
    while True:
        pinned = next(
            (i for i in sorted(hidden) if i not in settled and not _movable(values, ends, arcs, i)),
            None,
        )
        if pinned is None:
            # An entry stuck earlier may have been freed by what was hidden after it.
            return {i for i in stuck if not _movable(values, ends, arcs, i)}
        more = _cheapest_cycle(values, ends, hidden, fixed, pinned)
        if more is None:
            settled.add(pinned)  # nothing can protect it (a total published elsewhere gives it)
            stuck.add(pinned)
            continue
        hidden.update(more)
        arcs = _residual(values, ends, hidden)
        settled.add(pinned)


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class ProtectedCounts:
    """A one-way table (a list of counts and their total) after suppression. None: hidden.

    ``pinned``: a hidden entry can still be worked out from entries published elsewhere (the
    ``published`` ones): the caller must not publish this table as it is."""

    values: tuple[int | None, ...]
    total: int | None
    threshold: int
    rounded_to: int | None = None
    pinned: bool = False

    @property
    def any_hidden(self) -> bool:
        return self.total is None or any(value is None for value in self.values)

    @property
    def all_hidden(self) -> bool:
        """Nothing non-zero left to see: the page says "too few to show"."""
        return self.total is None and all(value in (None, 0) for value in self.values)


def protect_counts(
    counts: Sequence[int],
    *,
    threshold: int | None = None,
    total_published: bool = False,
    total_hidden: bool = False,
    round_to: int | bool | None = None,
    forced: Collection[int] = (),
    published: Collection[int] = (),
) -> ProtectedCounts:
    """``counts`` and their sum, with rules 1–4, 6 and 7 applied (one line: the cells and the total).

    ``forced``: positions of cells to hide whatever their count (a cell of few *people*, though
    many units); ``published``: positions of cells another output publishes anyway (never chosen as
    complements)."""
    if total_published and total_hidden:
        raise ValueError("A total cannot be both published elsewhere and hidden elsewhere.")
    limit = _limit(threshold)
    base = _base(round_to)
    values = [int(count) for count in counts] + [sum(int(count) for count in counts)]
    total = len(values) - 1
    fixed = frozenset({total} if total_published else ()) | frozenset(published)
    forced = (*forced, *((total,) if total_hidden else ()))
    # One line (vertex 0): the cells flow out of it, the total flows in; vertex 1 is no line.
    ends = [(0, _FREE)] * total + [(_FREE, 0)]
    hidden, pinned = _suppress(
        values, [_Line(tuple(range(total)), total)], limit, ends=ends, fixed=fixed, forced=forced
    )
    return ProtectedCounts(
        values=tuple(None if i in hidden else _rounded(values[i], base) for i in range(total)),
        total=None if total in hidden else _rounded(values[total], base),
        threshold=limit,
        rounded_to=base,
        pinned=bool(pinned),
    )


@dataclass(frozen=True)
class ProtectedTable:
    """A two-way table with row, column and grand totals, after suppression. None: hidden.

    ``pinned``: see ``ProtectedCounts``."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None
    threshold: int
    rounded_to: int | None = None
    pinned: bool = False

    @property
    def any_hidden(self) -> bool:
        entries = [*self.row_totals, *self.column_totals, self.total]
        return any(value is None for value in entries) or any(value is None for row in self.cells for value in row)

    @property
    def all_hidden(self) -> bool:
        return self.total is None and all(value in (None, 0) for row in self.cells for value in row)


# Entries of a two-way table named in ``hidden=`` and ``published=``: ("cell", row, column),
# ("row", row) for a row total, ("column", column) for a column total, ("total",).


def protect_table(
    rows: Sequence[Sequence[int]],
    *,
    threshold: int | None = None,
    total_published: bool = False,
    round_to: int | bool | None = None,
    hidden: Collection[tuple] = (),
    published: Collection[tuple] = (),
) -> ProtectedTable:
    """A rows × columns table of counts with its margins, with rules 1–4, 6 and 7 applied.

    Lines: each row with its row total, each column with its column total, the row totals with
    the grand total and the column totals with the grand total. ``hidden``: entries to hide
    whatever their count (hidden by another output, or of too few people); ``published``: entries
    another output publishes (never chosen as complements; a hidden entry they give back leaves
    the result ``pinned``).
    """
    limit = _limit(threshold)
    base = _base(round_to)
    matrix = [[int(count) for count in row] for row in rows]
    height = len(matrix)
    width = len(matrix[0]) if matrix else 0
    if any(len(row) != width for row in matrix):
        raise ValueError("Every row needs the same number of cells.")

    def cell(r, c):
        return r * width + c

    row_total = [height * width + r for r in range(height)]
    column_total = [height * width + height + c for c in range(width)]
    grand = height * width + height + width

    def index(entry):
        kind, *where = entry
        if kind == "cell":
            return cell(*where)
        if kind == "row":
            return row_total[where[0]]
        if kind == "column":
            return column_total[where[0]]
        if kind == "total":
            return grand
        raise ValueError(f"Unknown table entry {entry!r}.")

    values = [value for row in matrix for value in row]
    values += [sum(row) for row in matrix]
    values += [sum(matrix[r][c] for r in range(height)) for c in range(width)]
    values.append(sum(values[: height * width]))
    lines = [_Line(tuple(cell(r, c) for c in range(width)), row_total[r]) for r in range(height)]
    lines += [_Line(tuple(cell(r, c) for r in range(height)), column_total[c]) for c in range(width)]
    lines += [_Line(tuple(row_total), grand), _Line(tuple(column_total), grand)]
    # The network (see rule 6): vertices 0..height-1 the rows, then the columns, then the line of
    # the row totals and that of the column totals. Flow: grand total → row totals → cells →
    # column totals → grand total.
    row_vertex, column_vertex = list(range(height)), [height + c for c in range(width)]
    row_margin, column_margin = height + width, height + width + 1
    ends = [(row_vertex[r], column_vertex[c]) for r in range(height) for c in range(width)]
    ends += [(row_margin, row_vertex[r]) for r in range(height)]
    ends += [(column_vertex[c], column_margin) for c in range(width)]
    ends.append((column_margin, row_margin))
    forced = {index(entry) for entry in hidden}
    fixed = frozenset({grand} if total_published else ()) | {index(entry) for entry in published}
    if forced & fixed:
        raise ValueError("An entry cannot be both published elsewhere and hidden elsewhere.")
    hidden_entries, pinned = _suppress(values, lines, limit, ends=ends, fixed=fixed, forced=forced)

    def out(i):
        return None if i in hidden_entries else _rounded(values[i], base)

    return ProtectedTable(
        cells=tuple(tuple(out(cell(r, c)) for c in range(width)) for r in range(height)),
        row_totals=tuple(out(i) for i in row_total),
        column_totals=tuple(out(i) for i in column_total),
        total=out(grand),
        threshold=limit,
        rounded_to=base,
        pinned=bool(pinned),
    )


def protect_one_way(
    counts: Sequence[int], *, threshold: int | None = None, forced: Collection[int] = (), total_hidden: bool = False
) -> ProtectedCounts:
    """A table by one dimension whose total is also published on its own (the figure without a
    breakdown): hidden there (``total_hidden``, a total of too few people) or published. The one
    rule for a one-way table, so the margins of ``protect_two_way`` are exactly these tables."""
    return protect_counts(
        counts, threshold=threshold, forced=forced, total_published=not total_hidden, total_hidden=total_hidden
    )


def protect_two_way(
    rows: Sequence[Sequence[int]],
    *,
    threshold: int | None = None,
    hidden_cells: Collection[tuple[int, int]] = (),
    hidden_rows: Collection[int] = (),
    hidden_columns: Collection[int] = (),
    total_hidden: bool = False,
) -> ProtectedTable:
    """A two-way table published *beside* its two one-way tables (each dimension alone, through
    ``protect_one_way``) and its total, protected so that no hidden entry of any of them can be
    worked out from all of them together.

    The one-way tables are protected first (they do not depend on this one); this table then
    hides every margin they hide and never hides one they publish. ``hidden_*``: entries to hide
    whatever their count (too few people). When a hidden entry would still be given back by what
    the other tables publish, every cell is hidden (``pinned`` is set; the margins are then those
    of the one-way tables).
    """
    limit = _limit(threshold)
    matrix = [[int(count) for count in row] for row in rows]
    height = len(matrix)
    width = len(matrix[0]) if matrix else 0
    hidden_cells, hidden_rows, hidden_columns = set(hidden_cells), set(hidden_rows), set(hidden_columns)
    by_row = protect_one_way(
        [sum(row) for row in matrix], threshold=limit, forced=sorted(hidden_rows), total_hidden=total_hidden
    )
    column_sums = [sum(matrix[r][c] for r in range(height)) for c in range(width)]
    by_column = protect_one_way(column_sums, threshold=limit, forced=sorted(hidden_columns), total_hidden=total_hidden)
    hidden, published = [], []
    for r, value in enumerate(by_row.values):
        (hidden if value is None else published).append(("row", r))
    for c, value in enumerate(by_column.values):
        (hidden if value is None else published).append(("column", c))
    hidden += [("cell", r, c) for r, c in sorted(hidden_cells)]
    (hidden if by_row.total is None else published).append(("total",))
    table = protect_table(matrix, threshold=limit, hidden=hidden, published=published)
    if not table.pinned and not by_row.pinned and not by_column.pinned:
        return table
    return ProtectedTable(
        cells=tuple(tuple(None for _c in range(width)) for _r in range(height)),
        row_totals=by_row.values,
        column_totals=by_column.values,
        total=by_row.total,
        threshold=limit,
        pinned=True,
    )


# ---------------------------------------------------------------------------------------------
# Single figures


def protect_count(count: int, *, threshold: int | None = None, round_to: int | bool | None = None) -> int | None:
    """A count shown on its own (no total to subtract from): rule 1 only (and rule 7 when asked)."""
    base = _base(round_to)
    return None if is_small(int(count), _limit(threshold)) else _rounded(int(count), base)


def protect_share(part: int, whole: int, *, threshold: int | None = None) -> float | None:
    """``part / whole`` (0–1), or None: a base below the threshold, or a small part or rest (rule 5)."""
    limit = _limit(threshold)
    if not 0 <= part <= whole:
        raise ValueError("The part of a share must be between 0 and its whole.")
    if whole < limit:
        return None
    if is_small(part, limit) or is_small(whole - part, limit):
        return None
    return part / whole


def protect_measure(value, base: int, *, threshold: int | None = None):
    """A median, percentile or mean over ``base`` values, or None when ``base`` is below the threshold."""
    if value is None or base < _limit(threshold):
        return None
    return value


def _limit(value: int | None) -> int:
    limit = threshold() if value is None else int(value)
    if limit < MINIMUM_THRESHOLD:
        raise ValueError(f"The small-cell threshold must be at least {MINIMUM_THRESHOLD}.")
    return limit


# ---------------------------------------------------------------------------------------------
# Rounding (rule 7)


def round_count(count: int, base: int = ROUNDING_BASE) -> int:
    """``count`` to the nearest multiple of ``base``, halves up (7 → 5, 8 → 10 in fives)."""
    if base < 1:
        raise ValueError("A rounding base must be at least 1.")
    return (2 * int(count) + base) // (2 * base) * base


def _base(round_to: int | bool | None) -> int | None:
    if round_to is None or round_to is False:
        return None
    if round_to is True:
        return ROUNDING_BASE
    base = int(round_to)
    if base < 1:
        raise ValueError("A rounding base must be at least 1.")
    return base


def _rounded(value: int, base: int | None) -> int:
    return value if base is None else round_count(value, base)


# ---------------------------------------------------------------------------------------------
# Public outputs (rule 8)

# The dimensions that name an organization: public tables add them up before suppression.
ORGANIZATION_DIMENSIONS = frozenset(
    {"organization", "from_organization", "to_organization", "sending_organization", "receiving_organization"}
)


@dataclass(frozen=True)
class PublicCounts:
    """Counts keyed by the remaining dimensions' values, organization dimensions added up."""

    dimensions: tuple[str, ...]
    counts: dict[tuple, int]


def without_organizations(
    dimensions: Sequence[str],
    counts: Mapping[tuple, int] | Iterable[tuple[tuple, int]],
    *,
    identifying: Collection[str] = ORGANIZATION_DIMENSIONS,
) -> PublicCounts:
    """``counts`` (keys: one value per dimension) with every organization dimension removed.

    Entries that differ only by organization are merged (added up); a table whose only dimension
    is the organization keeps its total under the key ``()`` and loses its rows. Keys keep the
    order in which they first appear. Apply it *before* ``protect_*``: suppression must see the
    merged counts, or a merged cell could add up hidden ones.
    """
    dimensions = tuple(dimensions)
    kept = [i for i, name in enumerate(dimensions) if name not in identifying]
    merged: dict[tuple, int] = {}
    for key, count in counts.items() if isinstance(counts, Mapping) else counts:
        if len(key) != len(dimensions):
            raise ValueError("Every key needs one value per dimension.")
        public_key = tuple(key[i] for i in kept)
        merged[public_key] = merged.get(public_key, 0) + int(count)
    return PublicCounts(dimensions=tuple(dimensions[i] for i in kept), counts=merged)


def refuse_organization_names(texts: Iterable[str], identifiers: Iterable[str]) -> None:
    """Raise ``ValueError`` if any of ``texts`` (the labels, headings and notes of a public page or
    export) holds one of ``identifiers`` (organizations' names, acronyms, codes, ids), as a whole
    word, ignoring case. The last check before a public output leaves; the error does not repeat
    the name."""
    words = sorted({identifier.strip().casefold() for identifier in identifiers if identifier and identifier.strip()})
    if not words:
        return
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in words))
    for text in texts:
        if text and pattern.search(str(text).casefold()):
            raise ValueError("A public output names an organization.")
