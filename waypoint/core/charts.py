"""Small charts drawn on the server as SVG: no chart library, no script in the browser.

A page shows the same numbers in a table next to each chart (for screen readers, print
and anyone who prefers numbers): the SVG is labelled as one image with a title and a short
description, and the table is the accessible alternative.

Used by the recovery app (BARC-10 trend) and the insights app (craving and mood trends,
the early warning's signals). Colours are SVG presentation attributes, not inline styles,
so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

INK = "#1f1f1f"
LINE = "#16425b"  # the brand colour
GRID = "#c9d3da"
MUTED = "#4a4a4a"  # 9:1 on white: axis labels pass WCAG AA at any size
BAR = "#16425b"
BAR_TRACK = "#e8eef2"


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    value: float
    day: date


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: tuple[ChartPoint, ...]
    grid: tuple[tuple[float, int], ...]  # (y position, value)
    marker: tuple[float, int] | None  # a reference line (y position, value)
    # Runs of consecutive points without a gap (a day with no value breaks the line).
    segments: tuple[tuple[ChartPoint, ...], ...] = ()

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def paths(self) -> list[str]:
        runs = self.segments or (self.points,)
        return [" ".join(f"{p.x:.1f},{p.y:.1f}" for p in run) for run in runs]


def line_chart(
    values: Sequence[tuple[date, float | None]],
    *,
    low: int,
    high: int,
    step: int = 10,
    marker: int | None = None,
    width: int = 320,
    height: int = 180,
    by_date: bool = False,
) -> LineChart:
    """The geometry of a line chart, the y axis from `low` to `high`.

    Points are spaced evenly in order (a few monthly totals read better evenly spaced), or
    with `by_date` at their place in time, so that days without a value (None) leave a gap.
    """
    left, right, top, bottom = 34, width - 12, 12, height - 24

    def y_of(value: float) -> float:
        return bottom - (value - low) * (bottom - top) / (high - low)

    count = len(values)
    if by_date and count:
        first = values[0][0]
        span = max((values[-1][0] - first).days, 1)

        def x_of(index: int, day: date) -> float:
            return left + (right - left) * ((day - first).days / span if count > 1 else 0.5)
    else:

        def x_of(index: int, day: date) -> float:
            return left + (right - left) * (index / (count - 1) if count > 1 else 0.5)

    points: list[ChartPoint] = []
    segments: list[tuple[ChartPoint, ...]] = []
    run: list[ChartPoint] = []
    for index, (day, value) in enumerate(values):
        if value is None:
            if run:
                segments.append(tuple(run))
                run = []
            continue
        point = ChartPoint(x=x_of(index, day), y=y_of(value), value=value, day=day)
        points.append(point)
        run.append(point)
    if run:
        segments.append(tuple(run))
    grid = tuple((y_of(v), v) for v in range(low, high + 1, step))
    return LineChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        points=tuple(points),
        grid=grid,
        marker=(y_of(marker), marker) if marker is not None else None,
        segments=tuple(segments),
    )


def _n(value: float) -> str:
    """A coordinate for SVG (format_html escapes its arguments, so numbers go in as text)."""
    return f"{value:.1f}"


def _labelled_svg(
    *, width: int, height: int, dom_id: str, title: str, description: str, body: SafeString
) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=width,
        h=height,
        id=dom_id,
        title=title,
        desc=description,
        body=body,
    )


def line_chart_svg(
    chart: LineChart,
    *,
    dom_id: str,
    title: str,
    description: str = "",
    first_label: str = "",
    last_label: str = "",
) -> SafeString:
    """The chart as an inline SVG image (title and description for assistive technology;
    the page's table holds the numbers)."""
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="{}">{}</text>',
        (
            (chart.left, _n(y), chart.right, _n(y), GRID, chart.left - 6, _n(y + 4), MUTED, value)
            for y, value in chart.grid
        ),
    )
    marker = (
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5" stroke-dasharray="4 3"/>',
            chart.left,
            _n(chart.marker[0]),
            chart.right,
            _n(chart.marker[0]),
            MUTED,
        )
        if chart.marker
        else ""
    )
    lines = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-linejoin="round"/>',
        ((path, LINE) for path in chart.paths if " " in path),
    )
    dots = format_html_join(
        "", '<circle cx="{}" cy="{}" r="3" fill="{}"/>', ((_n(p.x), _n(p.y), LINE) for p in chart.points)
    )
    labels = format_html(
        '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="{}">{}</text>',
        chart.left,
        chart.height - 6,
        MUTED,
        first_label,
        chart.right,
        chart.height - 6,
        MUTED,
        last_label,
    )
    body = mark_safe(grid + marker + lines + dots + labels)  # noqa: S308 - every part built with format_html
    return _labelled_svg(
        width=chart.width, height=chart.height, dom_id=dom_id, title=title, description=description, body=body
    )


def bar_chart_svg(
    rows: Sequence[tuple[str, float]],
    *,
    maximum: float,
    dom_id: str,
    title: str,
    description: str = "",
    width: int = 320,
    bar_height: int = 14,
) -> SafeString:
    """Horizontal bars, one per row (label above its bar), each against a track of
    `maximum` — e.g. each signal's points against its weight."""
    gap = 10
    row_height = 14 + bar_height + gap
    height = max(row_height * len(rows), row_height)
    parts = []
    for index, (label, value) in enumerate(rows):
        top = index * row_height
        share = 0.0 if maximum <= 0 else max(0.0, min(1.0, value / maximum))
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="12" fill="{}">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" rx="3" fill="{}"/>'
                '<rect x="0" y="{}" width="{}" height="{}" rx="3" fill="{}"/>',
                top + 11,
                INK,
                label,
                top + 15,
                width,
                bar_height,
                BAR_TRACK,
                top + 15,
                _n(width * share),
                bar_height,
                BAR,
            )
        )
    body = mark_safe("".join(parts))  # noqa: S308 - every part built with format_html
    return _labelled_svg(width=width, height=height, dom_id=dom_id, title=title, description=description, body=body)
