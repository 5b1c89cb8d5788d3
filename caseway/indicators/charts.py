"""Charts drawn on the server as small SVG: bars, a line over periods, small multiples.

Every chart is an ``<svg role="img">`` with an ``aria-label`` and a ``<title>``, and the page puts
a table of the same figures beside it (``Chart.bars`` / ``Trend.points`` hold what both show,
formatted once by ``figure``, so the two cannot disagree). Hidden figures (disclosure control) draw
no bar or point, only the marker. Right to left: the layout is computed along the line of writing
and mirrored (``x → width − x``) with ``direction="rtl"`` on the SVG, so bars grow from the right,
labels sit on the right and time runs from right to left, as the rest of the page reads.
No JavaScript, no external file, presentation attributes only (the CSP forbids inline styles).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from caseway.indicators.models import Unit
from caseway.lib import disclosure

WIDTH = 320  # a bar chart or a line chart, in SVG units (pixels at 100 %)
PANEL_WIDTH = 220  # one chart of small multiples
ROW = 28  # one bar: its label on a line, the bar and its figure below
LABEL_GAP = 4
FONT = 11
MAX_BARS = 40  # more categories than this: the table alone (a chart would be unreadable)
MAX_PANELS = 12  # small multiples: at most this many charts
NOTHING = "—"  # nothing to compute from (no one in the base): not hidden, just empty


# ---------------------------------------------------------------------------------------------
# Figures as text (the chart and its table use the same)


def count_text(value) -> str:
    if value is None:
        return str(disclosure.MARKER)
    return number_format(value, force_grouping=True)


def figure(cell, unit: str) -> str:
    """A protected cell as shown: the marker when hidden, a dash when there is nothing to show."""
    if cell.suppressed:
        return str(disclosure.MARKER)
    if cell.value is None:
        return NOTHING
    if unit == Unit.PERCENT:
        return _("%(value)s%%") % {"value": number_format(cell.value, 1)}
    if unit == Unit.MEDIAN_DAYS:
        return _("%(value)s d") % {"value": number_format(cell.value, 1)}
    return number_format(cell.value, force_grouping=True)


def base_text(cell) -> str:
    """A cell's base (the denominator of a rate, the number of values of a median)."""
    if cell.suppressed and cell.denominator is None:
        return str(disclosure.MARKER)
    if cell.denominator is None:
        return ""
    return count_text(cell.denominator)


def numerator_text(cell) -> str:
    if cell.numerator is None:
        return str(disclosure.MARKER) if cell.suppressed else ""
    return count_text(cell.numerator)


# ---------------------------------------------------------------------------------------------
# Drawing


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | int | None  # None: hidden or nothing to show (no bar)
    text: str  # what the chart and the table show


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString  # empty when there are too many bars to draw (the table alone then)
    bars: tuple[Bar, ...] = ()


def _number(value: float) -> str:
    """A coordinate, short: 12 rather than 12.0."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


class _Canvas:
    """SVG parts in logical coordinates (x along the line of writing), mirrored for RTL."""

    def __init__(self, width: int, height: int, title: str, rtl: bool):
        self.width, self.height, self.rtl = width, height, rtl
        label = escape(title)
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'direction="{"rtl" if rtl else "ltr"}" font-size="{FONT}" fill="currentColor">'
            f"<title>{label}</title>"
        ]

    def x(self, x: float, length: float = 0) -> str:
        return _number(self.width - x - length if self.rtl else x)

    def text(self, x, y, words, *, anchor="start", ltr=False, size=None):
        extra = ' direction="ltr"' if ltr else ""
        extra += f' font-size="{size}"' if size else ""
        self.parts.append(
            f'<text x="{self.x(x)}" y="{_number(y)}" text-anchor="{anchor}"{extra}>{escape(words)}</text>'
        )

    def rect(self, x, y, length, height):
        self.parts.append(
            f'<rect x="{self.x(x, length)}" y="{_number(y)}" width="{_number(length)}" height="{_number(height)}"/>'
        )

    def line(self, x1, y1, x2, y2):
        self.parts.append(
            f'<line x1="{self.x(x1)}" y1="{_number(y1)}" x2="{self.x(x2)}" y2="{_number(y2)}" '
            'stroke="currentColor" stroke-width="1"/>'
        )

    def polyline(self, points):
        coordinates = " ".join(f"{self.x(x)},{_number(y)}" for x, y in points)
        self.parts.append(f'<polyline points="{coordinates}" fill="none" stroke="currentColor" stroke-width="2"/>')

    def circle(self, x, y):
        self.parts.append(f'<circle cx="{self.x(x)}" cy="{_number(y)}" r="3"/>')

    def svg(self) -> SafeString:
        return mark_safe("".join(self.parts) + "</svg>")  # noqa: S308 (every text escaped above)


def _top(values, unit, scale_max=None) -> float:
    if scale_max:
        return float(scale_max)
    if unit == Unit.PERCENT:
        return 100.0
    shown = [value for value in values if value is not None]
    return float(max(shown, default=0)) or 1.0


def bar_chart(
    bars: Sequence[Bar], *, title: str, unit: str, rtl: bool = False, width: int = WIDTH, scale_max=None
) -> Chart:
    """Horizontal bars, one per category: its label on a line, then the bar and its figure."""
    bars = tuple(bars)
    if not bars or len(bars) > MAX_BARS:
        return Chart(title, mark_safe(""), bars)
    longest = width - 60  # room for the figure after the longest bar
    top = _top([bar.value for bar in bars], unit, scale_max)
    canvas = _Canvas(width, ROW * len(bars), title, rtl)
    for i, bar in enumerate(bars):
        y = i * ROW
        canvas.text(0, y + 11, bar.label)
        length = longest * max(float(bar.value or 0), 0) / top if bar.value is not None else 0
        length = min(length, longest)
        if length > 0:
            canvas.rect(0, y + 14, length, 10)
        canvas.text(length + LABEL_GAP, y + 23, bar.text)
    return Chart(title, canvas.svg(), bars)


@dataclass(frozen=True)
class Point:
    label: str  # a period key ("2026-Q1"): written left to right whatever the language
    value: float | int | None
    text: str


def line_chart(points: Sequence[Point], *, title: str, unit: str, rtl: bool = False, width: int = WIDTH) -> Chart:
    """A line over periods, oldest first along the line of writing (so right to left in Arabic);
    a hidden period breaks the line and shows the marker."""
    points = tuple(points)
    if not points:
        return Chart(title, mark_safe(""), ())
    start, end, top_y, bottom_y = 40, width - 24, 16, 100
    top = _top([point.value for point in points], unit)
    step = (end - start) / (len(points) - 1) if len(points) > 1 else 0
    canvas = _Canvas(width, 124, title, rtl)
    canvas.line(start, top_y, start, bottom_y)
    canvas.line(start, bottom_y, end, bottom_y)
    canvas.text(start - LABEL_GAP, bottom_y + 3, count_text(0), anchor="end", size=9)
    canvas.text(start - LABEL_GAP, top_y + 3, _top_text(top, unit), anchor="end", size=9)

    def place(i, value):
        x = start + step * i if len(points) > 1 else (start + end) / 2
        return x, bottom_y - (bottom_y - top_y) * min(float(value), top) / top

    segment = []
    for i, point in enumerate(points):
        if point.value is None:
            if len(segment) > 1:
                canvas.polyline(segment)
            segment = []
            continue
        segment.append(place(i, point.value))
    if len(segment) > 1:
        canvas.polyline(segment)
    for i, point in enumerate(points):
        x, _y = place(i, 0)
        canvas.text(x, 118, point.label, anchor="middle", ltr=True, size=9)
        if point.value is None:
            canvas.text(x, bottom_y - 4, point.text, anchor="middle", size=9)
            continue
        x, y = place(i, point.value)
        canvas.circle(x, y)
        canvas.text(x, y - 6, point.text, anchor="middle", size=9)
    return Chart(title, canvas.svg(), tuple(Bar(point.label, point.value, point.text) for point in points))


def _top_text(top: float, unit: str) -> str:
    if unit == Unit.PERCENT:
        return _("%(value)s%%") % {"value": number_format(top, 0)}
    return number_format(round(top, 1), force_grouping=True)


def small_multiples(
    panels: Sequence[tuple[str, Sequence[Bar]]], *, title: str, unit: str, rtl: bool = False
) -> tuple[Chart, ...]:
    """One small bar chart per group (``panels``: (group label, bars)), all on the same scale so
    they compare at a glance. Too many groups: none (the table alone)."""
    panels = tuple(panels)
    if not panels or len(panels) > MAX_PANELS:
        return ()
    values = [bar.value for _label, bars in panels for bar in bars]
    top = _top(values, unit)
    return tuple(
        bar_chart(
            bars,
            title=_("%(chart)s: %(group)s") % {"chart": title, "group": label},
            unit=unit,
            rtl=rtl,
            width=PANEL_WIDTH,
            scale_max=top,
        )
        for label, bars in panels
    )


# ---------------------------------------------------------------------------------------------
# From protected indicator tables (queries.IndicatorTable) to what a page shows


@dataclass(frozen=True)
class Line:
    """One line of a figure's table: its label, the figure, and what it rests on."""

    label: str
    text: str
    numerator: str
    base: str


def line_of(label: str, cell, unit: str) -> Line:
    return Line(label, figure(cell, unit), numerator_text(cell), base_text(cell))


def _bar(label, cell, unit) -> Bar:
    value = None if cell.suppressed else cell.value
    return Bar(str(label), value, figure(cell, unit))


@dataclass(frozen=True)
class Breakdown:
    """An indicator broken down by one dimension (``chart`` and ``lines``) or two (``panels``,
    ``columns`` and ``matrix``: one row of texts per group, its total last; ``column_totals``)."""

    title: str
    unit: str
    chart: Chart | None = None
    lines: tuple[Line, ...] = ()
    panels: tuple[Chart, ...] = ()
    columns: tuple[str, ...] = ()
    matrix: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    column_totals: tuple[str, ...] = ()
    total: str = ""

    @property
    def drawn(self) -> bool:
        return bool(self.panels) or bool(self.chart and self.chart.svg)


def breakdown(table, *, title: str, rtl: bool = False) -> Breakdown:
    unit = table.unit
    if not table.columns:
        pairs = list(zip(table.rows, table.row_totals, strict=True))
        lines = tuple(line_of(label, cell, unit) for (_key, label), cell in pairs)
        bars = [_bar(label, cell, unit) for (_key, label), cell in pairs]
        chart = bar_chart(bars, title=title, unit=unit, rtl=rtl)
        return Breakdown(title, unit, chart=chart, lines=lines, total=figure(table.total, unit))
    columns = tuple(str(label) for _key, label in table.columns)
    panels = [
        (str(row_label), [_bar(column, cell, unit) for column, cell in zip(columns, row, strict=True)])
        for (_key, row_label), row in zip(table.rows, table.cells, strict=True)
    ]
    matrix = tuple(
        (str(row_label), tuple(figure(cell, unit) for cell in row), figure(row_total, unit))
        for (_key, row_label), row, row_total in zip(table.rows, table.cells, table.row_totals, strict=True)
    )
    return Breakdown(
        title,
        unit,
        panels=small_multiples(panels, title=title, unit=unit, rtl=rtl),
        columns=columns,
        matrix=matrix,
        column_totals=tuple(figure(cell, unit) for cell in table.column_totals),
        total=figure(table.total, unit),
    )


@dataclass(frozen=True)
class Trend:
    chart: Chart
    lines: tuple[Line, ...]


def trend(tables, *, title: str, rtl: bool = False) -> Trend:
    """``tables``: one indicator's totals, one table per period, oldest first."""
    tables = list(tables)
    unit = tables[0].unit if tables else Unit.COUNT
    points = [
        Point(table.period.key, None if table.total.suppressed else table.total.value, figure(table.total, unit))
        for table in tables
    ]
    lines = tuple(line_of(table.period.key, table.total, unit) for table in tables)
    return Trend(line_chart(points, title=title, unit=unit, rtl=rtl), lines)
