"""The shared server-side SVG charts (waypoint/core/charts.py): geometry, gaps, labels for
assistive technology, escaping, and nothing the Content-Security-Policy would block."""

from __future__ import annotations

import datetime as dt
import re

from waypoint.core.charts import bar_chart_svg, line_chart, line_chart_svg

DAY = dt.date(2025, 6, 2)


def test_evenly_spaced_points_as_the_barc_trend_draws_them():
    chart = line_chart([(DAY, 30), (DAY + dt.timedelta(days=40), 40)], low=10, high=60, marker=29)
    assert chart.path == "34.0,98.4 308.0,69.6"
    assert chart.grid[0] == (156.0, 10)
    assert chart.marker is not None
    assert chart.marker[1] == 29


def test_days_without_a_value_break_the_line_and_keep_their_place():
    values = [(DAY + dt.timedelta(days=i), v) for i, v in enumerate([2.0, 3.0, None, None, 5.0])]
    chart = line_chart(values, low=0, high=10, step=2, by_date=True)
    assert len(chart.points) == 3
    assert len(chart.segments) == 2
    assert [len(s) for s in chart.segments] == [2, 1]
    # The last point sits at the right edge, four days after the first (not third of three).
    assert chart.points[-1].x == chart.right
    assert chart.points[1].x == chart.left + (chart.right - chart.left) / 4


def test_the_svg_is_one_labelled_image_with_escaped_text_and_no_inline_style():
    chart = line_chart([(DAY, 1.0), (DAY + dt.timedelta(days=1), 2.0)], low=0, high=10, by_date=True)
    svg = str(line_chart_svg(chart, dom_id="c", title="Craving <b>", description="A & B", first_label="Jun 2"))
    assert svg.startswith('<svg class="chart"')
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Craving &lt;b&gt;</title>' in svg
    assert '<desc id="c-desc">A &amp; B</desc>' in svg
    assert "style=" not in svg
    assert "<script" not in svg
    assert svg.count("<polyline") == 1


def test_bars_are_as_long_as_their_share_of_the_maximum():
    svg = str(bar_chart_svg([("Craving", 10.0), ("Mood", 20.0), ("Over", 99.0)], maximum=20, dom_id="b", title="t"))
    widths = [
        float(w) for w in re.findall(r'<rect x="0" y="\d+" width="([\d.]+)" height="14" rx="3" fill="#16425b"', svg)
    ]
    assert widths == [160.0, 320.0, 320.0]  # capped at the track
    assert ">Craving</text>" in svg
