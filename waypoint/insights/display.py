"""What the insights pages show, ready for the templates: texts in the active language and
server-drawn SVG charts (waypoint.core.charts) beside their data tables."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from waypoint.core.charts import bar_chart_svg, line_chart, line_chart_svg
from waypoint.core.today import Notice
from waypoint.insights import services, sources
from waypoint.insights.analysis import Finding
from waypoint.insights.selectors import DayRow
from waypoint.insights.warning import THRESHOLD, DayWarning
from waypoint.insights.wording import insight_text, number, signal_detail, signal_label


@dataclass(frozen=True)
class SignalRow:
    name: str
    label: str
    detail: str
    points: str
    weight: str


@dataclass(frozen=True)
class WarningView:
    score: str
    above: bool
    threshold: str
    rows: list[SignalRow]
    chart: SafeString


def insight_texts(findings: list[Finding]) -> list[str]:
    return [insight_text(f) for f in findings]


def warning_view(day: DayWarning) -> WarningView:
    rows = [
        SignalRow(
            name=s.name,
            label=signal_label(s.name),
            detail=signal_detail(s),
            points=number(round(s.points)),
            weight=number(s.weight),
        )
        for s in day.signals
    ]
    chart = bar_chart_svg(
        [(signal_label(s.name), s.points) for s in day.signals],
        maximum=max(s.weight for s in day.signals),
        dom_id="warning-chart",
        title=_("How much each sign adds to the score"),
        description=_("One bar for each sign. The table below gives the same numbers."),
    )
    return WarningView(
        score=number(round(day.score)),
        above=day.score >= THRESHOLD,
        threshold=number(THRESHOLD),
        rows=rows,
        chart=chart,
    )


def today_notice(*, user: Any) -> Notice | None:
    """The today page's early-warning prompt (registered with core/today.py), when today's
    score is at or above the threshold: the person's plan and people one tap away, and a
    link to the patterns page that shows what added to the score."""
    if services.warning_today(user=user) is None:
        return None
    return Notice(
        template="insights/_prompt.html",
        context={"struggling_url": sources.struggling_url(), "why_url": reverse("insights:index")},
    )


def _short(day: datetime.date) -> str:
    return date_format(day, "M j")


def trend_chart(rows: list[DayRow], *, which: str) -> SafeString | None:
    """Craving (0–10) or mood (1–5) by day, gaps where there was no check-in."""
    if which == "craving":
        values = [(r.date, r.craving) for r in rows]
        low, high, step = 0, 10, 2
        title = _("Craving by day, last 4 weeks (0 to 10)")
    else:
        values = [(r.date, r.mood) for r in rows]
        low, high, step = 1, 5, 1
        title = _("Mood by day, last 4 weeks (1 to 5)")
    if sum(1 for _day, value in values if value is not None) < 2:
        return None
    chart = line_chart(
        [(day, float(v) if v is not None else None) for day, v in values],
        low=low,
        high=high,
        step=step,
        by_date=True,
        width=480,
        height=200,
    )
    return line_chart_svg(
        chart,
        dom_id=f"trend-{which}",
        title=title,
        description=_("Days without a check-in are gaps. The table below gives the same numbers."),
        first_label=_short(rows[0].date),
        last_label=_short(rows[-1].date),
    )
