"""Reads of the screening app."""

from __future__ import annotations

from typing import Any

from waypoint.screening.models import SavedResult


def results_for_user(*, user: Any, instrument_id: str, limit: int = 10) -> list[SavedResult]:
    """The person's latest saved results of one self-check, oldest first (for trends)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = list(
        SavedResult.objects.filter(user=user, instrument_id=instrument_id).order_by("-created_at", "-id")[:limit]
    )
    return rows[::-1]


def instrument_get(*, instrument_id: str) -> Any:
    """A published self-check's definition (an engine ``Instrument``), or None: for other
    apps that show one of these checks on their own pages (the recovery companion's BARC-10)."""
    from waypoint.screening.engine import get_instrument

    return get_instrument(instrument_id)


def result_summary(*, instrument_id: str, answers: dict[str, Any], language: str) -> dict[str, Any] | None:
    """A self-check's result in words, scored here from the answers (never a posted total),
    for another app that sends it on the person's behalf (the warm hand-off): title, total,
    range, band and each question with its answer, in `language`. None when the check is
    unknown or the answers are not a complete, valid set."""
    from waypoint.screening.engine import AnswerError, get_instrument, localise, score
    from waypoint.screening.forms import answer_rows

    instrument = get_instrument(instrument_id)
    if instrument is None:
        return None
    try:
        result = score(instrument, {key: answers[key] for key in instrument.keys if key in answers})
    except AnswerError:
        return None
    return {
        "instrument": instrument.id,
        "title": localise(instrument.title, language),
        "total": result.total,
        "range": list(instrument.range),
        "band": localise(result.band.label, language) if result.band else "",
        "answers": [(row["text"], row["answer"]) for row in answer_rows(result, language=language)],
        "not_a_diagnosis": instrument.not_a_diagnosis,
    }
