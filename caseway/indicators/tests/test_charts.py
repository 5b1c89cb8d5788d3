"""charts: valid SVG with a name, figures that agree with the table, hidden figures drawn as the
marker only, and the layout mirrored right to left."""

import xml.etree.ElementTree as ET

from django.utils import timezone, translation

from caseway.indicators import charts
from caseway.indicators.models import Indicator, Unit
from caseway.indicators.periods import Period, Scope
from caseway.indicators.queries import Cell, IndicatorTable
from caseway.indicators.tests.dashboards import SVG, bar_chart_figures, svg_texts
from caseway.lib import disclosure

MARKER = str(disclosure.MARKER)


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 (our own output)


def rects(svg):
    return [(float(rect.get("x")), float(rect.get("width")), float(rect.get("y"))) for rect in svg.iter(f"{SVG}rect")]


def bars(*values):
    return [charts.Bar(f"group {i}", value, MARKER if value is None else str(value)) for i, value in enumerate(values)]


def table(unit=Unit.PERCENT, *, rows=(), columns=(), cells=(), row_totals=(), column_totals=(), total=None):
    return IndicatorTable(
        indicator=Indicator(code="x", version=1, unit=unit, name={"en": "X"}),
        period=Period.month(2026, 3),
        scope=Scope.network(),
        dimensions=("sex",) if not columns else ("sex", "age_band"),
        rows=tuple(rows),
        columns=tuple(columns),
        cells=tuple(cells),
        row_totals=tuple(row_totals),
        column_totals=tuple(column_totals),
        total=total or Cell(None, suppressed=True),
        threshold=5,
        source="live",
        computed_at=timezone.now(),
    )


def test_it_draws_valid_svg_named_for_assistive_technology():
    chart = charts.bar_chart(bars(10, 20), title="Clients <served> & more", unit=Unit.COUNT)

    svg = parse(chart)

    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Clients <served> & more"
    assert svg.find(f"{SVG}title").text == "Clients <served> & more"


def test_it_scales_bars_to_the_largest_figure():
    svg = parse(charts.bar_chart(bars(10, 20, 5), title="t", unit=Unit.COUNT))

    widths = [width for _x, width, _y in rects(svg)]
    assert widths == [130, 260, 65]  # the longest is the chart's width less room for the figure


def test_it_scales_percentages_to_100():
    svg = parse(charts.bar_chart(bars(50), title="t", unit=Unit.PERCENT))

    assert [width for _x, width, _y in rects(svg)] == [130]


def test_it_draws_no_bar_for_a_hidden_figure_only_the_marker():
    svg = parse(charts.bar_chart(bars(12, None, 0), title="t", unit=Unit.COUNT))

    assert len(rects(svg)) == 1  # 12 only: nothing for the hidden one, nothing for zero
    assert bar_chart_figures(svg) == [("group 0", "12"), ("group 1", MARKER), ("group 2", "0")]


def test_it_mirrors_bars_right_to_left():
    ltr = parse(charts.bar_chart(bars(10, 20), title="t", unit=Unit.COUNT))
    rtl = parse(charts.bar_chart(bars(10, 20), title="t", unit=Unit.COUNT, rtl=True))

    assert ltr.get("direction") == "ltr"
    assert rtl.get("direction") == "rtl"
    assert [x for x, _w, _y in rects(ltr)] == [0, 0]
    # Right to left, bars grow from the right edge: each ends at the chart's width.
    assert [x + width for x, width, _y in rects(rtl)] == [charts.WIDTH, charts.WIDTH]
    label = next(rtl.iter(f"{SVG}text"))
    assert float(label.get("x")) == charts.WIDTH
    assert label.get("text-anchor") == "start"  # the start of a right-to-left line: its right end


def test_it_draws_nothing_for_too_many_bars_the_table_holds_them():
    chart = charts.bar_chart(bars(*range(charts.MAX_BARS + 1)), title="t", unit=Unit.COUNT)

    assert str(chart.svg) == ""
    assert len(chart.bars) == charts.MAX_BARS + 1


def points(*values):
    periods = ["2026-01", "2026-02", "2026-03", "2026-04"]
    return [charts.Point(periods[i], value, MARKER if value is None else str(value)) for i, value in enumerate(values)]


def test_it_draws_a_line_over_periods_broken_where_a_figure_is_hidden():
    svg = parse(charts.line_chart(points(10, 20, None, 30), title="Over time", unit=Unit.COUNT))

    polylines = list(svg.iter(f"{SVG}polyline"))
    assert len(polylines) == 1  # 10 → 20; then a gap; 30 alone is a point
    assert len(polylines[0].get("points").split()) == 2
    assert len(list(svg.iter(f"{SVG}circle"))) == 3
    texts = svg_texts(svg)
    assert MARKER in texts
    assert {"2026-01", "2026-04", "10", "20", "30"} <= set(texts)


def test_it_runs_time_right_to_left_in_arabic():
    ltr = parse(charts.line_chart(points(1, 2, 3, 4), title="t", unit=Unit.COUNT))
    rtl = parse(charts.line_chart(points(1, 2, 3, 4), title="t", unit=Unit.COUNT, rtl=True))

    def x_of(svg, label):
        return next(float(t.get("x")) for t in svg.iter(f"{SVG}text") if t.text == label)

    assert x_of(ltr, "2026-01") < x_of(ltr, "2026-04")
    assert x_of(rtl, "2026-01") > x_of(rtl, "2026-04")
    period = next(t for t in rtl.iter(f"{SVG}text") if t.text == "2026-01")
    assert period.get("direction") == "ltr"  # a period key reads the same in every language


def test_it_draws_small_multiples_on_one_scale():
    panels = [("Women", bars(10, 20)), ("Men", bars(20, 5))]

    drawn = charts.small_multiples(panels, title="Clients", unit=Unit.COUNT)

    assert [chart.title for chart in drawn] == ["Clients: Women", "Clients: Men"]
    first, second = (rects(parse(chart)) for chart in drawn)
    assert first[1][1] == second[0][1]  # 20 is as long in both
    assert charts.small_multiples([("g", bars(1))] * (charts.MAX_PANELS + 1), title="t", unit=Unit.COUNT) == ()


def test_it_formats_figures_once_for_the_chart_and_the_table():
    assert charts.figure(Cell(58.3, 7, 12), Unit.PERCENT) == "58.3%"
    assert charts.figure(Cell(None, 3, None, suppressed=True), Unit.PERCENT) == MARKER
    assert charts.figure(Cell(None, 0, 0), Unit.PERCENT) == charts.NOTHING
    assert charts.figure(Cell(1234, 1234), Unit.COUNT) == "1,234"
    assert charts.figure(Cell(12.5, None, 9), Unit.MEDIAN_DAYS) == "12.5 d"


def test_it_keeps_a_one_way_breakdown_and_its_table_in_agreement():
    hidden = Cell(None, None, None, suppressed=True)
    source = table(
        rows=[("female", "Female"), ("male", "Male"), ("other", "Other")],
        row_totals=[Cell(58.3, 7, 12), hidden, Cell(None, 0, 0)],
        total=Cell(50.0, 10, 20),
    )

    result = charts.breakdown(source, title="Acceptance by sex")

    figures = bar_chart_figures(parse(result.chart))
    assert figures == [(line.label, line.text) for line in result.lines]
    assert figures == [("Female", "58.3%"), ("Male", MARKER), ("Other", charts.NOTHING)]
    assert [(line.numerator, line.base) for line in result.lines] == [("7", "12"), (MARKER, MARKER), ("0", "0")]
    assert result.total == "50.0%"


def test_it_keeps_small_multiples_and_the_two_way_table_in_agreement():
    hidden = Cell(None, suppressed=True)
    source = table(
        Unit.COUNT,
        rows=[("female", "Female"), ("male", "Male")],
        columns=[("0-4", "0–4"), ("5-11", "5–11")],
        cells=[[Cell(6, 6), hidden], [Cell(7, 7), hidden]],
        row_totals=[Cell(9, 9), Cell(10, 10)],
        column_totals=[Cell(13, 13), Cell(6, 6)],
        total=Cell(19, 19),
    )

    result = charts.breakdown(source, title="Clients")

    assert [row_label for row_label, _texts, _total in result.matrix] == ["Female", "Male"]
    for panel, (_label, texts, _total) in zip(result.panels, result.matrix, strict=True):
        figures = bar_chart_figures(parse(panel))
        assert [label for label, _text in figures] == list(result.columns)
        assert [text for _label, text in figures] == list(texts)
    assert result.column_totals == ("13", "6")


def test_it_builds_the_trend_oldest_first_from_one_table_per_period():
    tables = [
        table(Unit.COUNT, total=Cell(7, 7)),
        table(Unit.COUNT, total=Cell(None, suppressed=True)),
    ]
    tables[1] = IndicatorTable(**{**tables[1].__dict__, "period": Period.month(2026, 4)})

    result = charts.trend(tables, title="Over time")

    assert [(line.label, line.text) for line in result.lines] == [("2026-03", "7"), ("2026-04", MARKER)]
    assert [(bar.label, bar.text) for bar in result.chart.bars] == [("2026-03", "7"), ("2026-04", MARKER)]


def test_it_writes_figures_in_the_reader_s_language():
    with translation.override("fr"):
        text = charts.figure(Cell(58.3, 7, 12), Unit.PERCENT)
    assert text.startswith("58,3")
