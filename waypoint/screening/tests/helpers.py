"""Answer builders shared by the screening tests."""

from __future__ import annotations

from typing import Any

from waypoint.screening.engine import Instrument, get_instrument


def instrument(instrument_id: str) -> Instrument:
    found = get_instrument(instrument_id)
    assert found is not None
    return found


def answers_for_total(definition: Instrument, total: int, **fixed: Any) -> dict[str, Any]:
    """Allowed answers whose scored items add up to `total` (greedy, then checked)."""
    answers: dict[str, Any] = {}
    remaining = total - sum(min(int(v) for v in item.values) for item in definition.items if item.scored)
    for item in definition.items:
        if item.key in fixed:
            answers[item.key] = fixed[item.key]
            continue
        if not item.scored:
            answers[item.key] = min(item.values)  # "no" to unscored questions
            continue
        floor = min(int(v) for v in item.values)
        value = max(int(v) for v in item.values if int(v) - floor <= remaining)
        remaining -= value - floor
        answers[item.key] = value
    assert remaining == 0, f"cannot build total {total} for {definition.id}"
    return answers


SITUATION_BASE = {
    "using_now": "using",
    "withdrawal": "mild",
    "alcohol_or_benzos": "no",
    "pregnant": "no",
    "age": "26_plus",
    "insurance": "not_sure",
    "work_or_children": "no",
    "housing": "yes",
    "past_treatment": "none",
    "mental_health": "no",
    "transport": "yes",
    "medication_feelings": "open",
    "legal": "no",
    "spanish": "no",
}


def situation(**changes: str) -> dict[str, str]:
    return {**SITUATION_BASE, **changes}


def oud_answers(yes: int, **fixed: Any) -> dict[str, Any]:
    """`yes` criteria met (the first ones in order), safety questions answered no."""
    definition = instrument("oud-self-check")
    criteria = [item.key for item in definition.items if item.scored]
    answers: dict[str, Any] = {key: int(index < yes) for index, key in enumerate(criteria)}
    answers.update({"prescribed_only": 0, "suicidal_thoughts": 0})
    answers.update(fixed)
    return answers
