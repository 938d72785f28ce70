"""Sober vector charts for 一、总体情况: pass rates by group and the trend over quarters.

Grey scale only, so the notice prints the same on an office laser printer. A chart is omitted
(None) when it would carry no figure, rather than drawing an empty frame.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from govinspect.notice.formatting import format_rate
from govinspect.notice.model import Count

BAR_FILL = colors.Color(0.35, 0.35, 0.35)
GRID = colors.Color(0.8, 0.8, 0.8)
SITE_LINE = colors.black
ACCOUNT_LINE = colors.Color(0.45, 0.45, 0.45)


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _segments(values: list[float | None]) -> list[list[float | None]]:
    """One series per unbroken run of values, so a missing quarter leaves a gap instead of a bridge."""
    runs: list[list[float | None]] = []
    start = None
    for i, value in enumerate([*values, None]):
        if value is not None and start is None:
            start = i
        elif value is None and start is not None:
            runs.append([v if start <= k < i else None for k, v in enumerate(values)])
            start = None
    return runs


def _drawing(width: float, height: float, font: str, size: float) -> Drawing:
    """A drawing whose default face is ours: reportlab would otherwise put a non-embedded Helvetica in the PDF."""
    drawing = Drawing(width, height)
    drawing.initialFontName = font
    drawing.initialFontSize = size
    return drawing


def pass_rate_bars(counts: list[Count], font: str, width: float, size: float = 10.5) -> Drawing | None:
    """Horizontal bars of 合格率 per group (platform, unit type); None when no group has a rate.

    Horizontal bars keep long Chinese labels (微信公众号, 乡镇人民政府) readable without rotation;
    groups that could not be judged keep their row and print ``—``.
    """
    if not counts or all(c.pass_rate is None for c in counts):
        return None
    labels = [c.label or "—" for c in counts]
    values = [_percent(c.pass_rate) for c in counts]
    row = size * 2
    label_width = min(max(stringWidth(lab, font, size) for lab in labels) + size, width * 0.4)
    value_width = stringWidth("100%", font, size) + size
    plot_height = row * len(counts)
    height = plot_height + size * 3
    drawing = _drawing(width, height, font, size)
    chart = HorizontalBarChart()
    chart.x = label_width
    chart.y = size * 2.5
    chart.width = width - label_width - value_width
    chart.height = plot_height
    # Top to bottom in the order given, as in the counts table.
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -size / 2
    chart.categoryAxis.strokeColor = colors.black
    chart.categoryAxis.tickLeft = 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = size * 0.9
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.strokeColor = colors.black
    chart.bars[0].fillColor = BAR_FILL
    chart.bars[0].strokeColor = None
    chart.barWidth = row * 0.55
    chart.groupSpacing = row * 0.45
    chart.barSpacing = 0
    drawing.add(chart)
    # Value labels drawn by hand so that a missing rate still says "—" at its row.
    for i, count in enumerate(reversed(counts)):
        value = _percent(count.pass_rate) or 0
        x = chart.x + chart.width * value / 100 + size / 3
        y = chart.y + row * i + row / 2 - size * 0.35
        drawing.add(String(x, y, format_rate(count.pass_rate), fontName=font, fontSize=size))
    return drawing


def _fit_labels(labels: list[str], font: str, size: float, room: float) -> list[str]:
    """Quarter labels on two lines (2020年 / 第三季度) when one line is wider than a category."""
    if all(stringWidth(label, font, size) <= room * 0.95 for label in labels):
        return labels
    return [label.replace("年", "年\n", 1) for label in labels]


def trend_lines(
    trend: list[tuple[str, float | None, float | None]], font: str, width: float, size: float = 10.5
) -> Drawing | None:
    """政府网站 and 政务新媒体 合格率 over quarters; None with fewer than two quarters to compare."""
    if len(trend) < 2:
        return None
    sites = [_percent(t[1]) for t in trend]
    accounts = [_percent(t[2]) for t in trend]
    if all(v is None for v in sites + accounts):
        return None
    height = size * 17
    drawing = _drawing(width, height, font, size)
    chart = HorizontalLineChart()
    chart.x = size * 4
    chart.y = size * 3.5
    chart.width = width - chart.x - size * 2
    chart.height = height - chart.y - size * 3
    series: list[list[float | None]] = []
    looks: list[tuple[colors.Color, tuple[int, int] | None, str]] = []
    for values, look in (
        (sites, (SITE_LINE, None, "FilledSquare")),
        (accounts, (ACCOUNT_LINE, (4, 2), "FilledCircle")),
    ):
        for run in _segments(values):
            series.append(run)
            looks.append(look)
    chart.data = series
    chart.categoryAxis.categoryNames = _fit_labels([t[0] for t in trend], font, size * 0.9, chart.width / len(trend))
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = size * 0.9
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -size / 3
    chart.categoryAxis.strokeColor = colors.black
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = size * 0.9
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.strokeColor = colors.black
    chart.joinedLines = 1
    for i, (colour, dash, marker) in enumerate(looks):
        chart.lines[i].strokeColor = colour
        chart.lines[i].strokeWidth = 1.2
        chart.lines[i].strokeDashArray = dash
        chart.lines[i].symbol = makeMarker(marker, size=size * 0.45, fillColor=colour)
    drawing.add(chart)
    legend = Legend()
    legend.fontName = font
    legend.fontSize = size * 0.9
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = size
    legend.dy = size * 0.5
    legend.dxTextSpace = size / 2
    legend.deltax = size * 8
    legend.boxAnchor = "n"
    legend.x = width / 2 - size * 4
    legend.y = height - size * 0.2
    legend.colorNamePairs = [(SITE_LINE, "政府网站"), (ACCOUNT_LINE, "政务新媒体")]
    drawing.add(legend)
    return drawing
