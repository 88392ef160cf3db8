"""What `manage.py insights_explain` prints: the insights that pass and the early-warning
series, for researchers and auditors (docs/insights.md shows both formats)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from waypoint.insights.analysis import RULES, Analysis, analyse_frame
from waypoint.insights.facts import CheckinLike
from waypoint.insights.frame import build_frame
from waypoint.insights.warning import THRESHOLD, WEIGHTS, DayWarning, warning_series
from waypoint.insights.wording import insight_text


def explain(rows: Sequence[CheckinLike], *, time_zone: ZoneInfo | None = None) -> tuple[Analysis, list[DayWarning]]:
    frame = build_frame(rows, time_zone=time_zone)
    analysis = analyse_frame(frame, rules=RULES)
    series = warning_series(frame)
    return analysis, series.days() if series is not None else []


def as_json(analysis: Analysis, warnings: list[DayWarning]) -> dict[str, Any]:
    """The documented object: only insights that pass; every day that has a score."""
    return {
        "insights": [
            {
                "kind": f.kind,
                "factor": f.factor,
                "outcome": f.outcome,
                "effect": f.effect,
                "n": f.n,
                "p": round(f.p, 6),
                "q": round(f.q, 6),
                "text": insight_text(f),
            }
            for f in analysis.shown
        ],
        "early_warning": [
            {"date": day.date.isoformat(), "score": day.score, "signals": day.points()} for day in warnings
        ],
    }


def as_text(analysis: Analysis, warnings: list[DayWarning]) -> str:
    lines = []
    if not analysis.enough:
        lines.append(
            f"Insights: none yet — check-ins on {analysis.checkins} day(s); at least {RULES.min_checkins} are needed."
        )
    else:
        shown = analysis.shown
        lines.append(
            f"Insights: {len(shown)} of {len(analysis.tested)} questions pass "
            f"(BH q ≤ {RULES.fdr_q:g}, effect ≥ {RULES.min_effect_points:g} point(s) of craving or "
            f"{RULES.min_effect_share:.0%} of days; {analysis.checkins} check-in days)."
        )
        for f in shown:
            lines.append(f"- {insight_text(f)}")
            lines.append(
                f"  kind={f.kind} factor={f.factor} outcome={f.outcome} effect={f.effect:+.2f} "
                f"n={f.n} ({f.n_exposed} vs {f.n_other}) p={f.p:.4f} q={f.q:.4f}"
            )
    lines.append("")
    lines.append(f"Early warning (score 0–100; prompt at {THRESHOLD:g}; points per signal):")
    names = list(WEIGHTS)
    lines.append("date        score  " + "  ".join(names))
    for day in warnings:
        points = day.points()
        flag = " *" if day.above else ""
        cells = "  ".join(f"{points[name]:>{len(name)}.1f}" for name in names)
        lines.append(f"{day.date.isoformat()}  {day.score:5.1f}  {cells}{flag}")
    if not warnings:
        lines.append("(no day has enough check-ins before it to compare with)")
    return "\n".join(lines) + "\n"
