"""Self-check instruments as a JSON API (mounted at /api/v1/instruments).

Scoring is stateless: answers come in a POST body, the result goes back, nothing is
stored or logged.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from waypoint.core.helplines import helplines_for
from waypoint.screening import fhir
from waypoint.screening.engine import (
    LANGUAGES,
    AnswerError,
    Instrument,
    Result,
    get_instrument,
    instruments,
    localise,
    score,
    trend,
)

router = Router(tags=["screening"])


class ScoreIn(Schema):
    answers: dict[str, Any]
    # Earlier totals of the same check (kept by the person, not by us), for a trend.
    previous_totals: list[int] = Field(default_factory=list, max_length=50)


def _instrument_or_404(instrument_id: str) -> Instrument:
    instrument = get_instrument(instrument_id)
    if instrument is None:
        raise HttpError(404, f"No instrument '{instrument_id}'.")
    return instrument


def _language(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"


def definition_json(instrument: Instrument) -> dict[str, Any]:
    """The published definition: items in order, with their allowed values."""
    return {
        "id": instrument.id,
        "version": instrument.version,
        "audience": instrument.audience,
        "title": instrument.title,
        "intro": instrument.intro,
        "window": instrument.window or None,
        "not_a_diagnosis": instrument.not_a_diagnosis,
        "items": [
            {
                "key": item.key,
                "text": item.text,
                "help": item.help or None,
                "scored": item.scored,
                "allowed_values": list(item.values),
                "options": [{"value": option.value, "label": option.label} for option in item.options],
                "crisis_values": list(item.crisis_values),
            }
            for item in instrument.items
        ],
        "scoring": {
            "method": instrument.method,
            "range": list(instrument.range),
            "exclusions": [
                {"when": {"item": rule.when_item, "values": list(rule.when_values)}, "items": list(rule.items)}
                for rule in instrument.exclusions
            ],
        },
        "bands": [{"key": b.key, "min": b.min, "max": b.max, "label": b.label} for b in instrument.bands],
        "notes": [{"key": n.key, "min": n.min, "max": n.max, "text": n.meaning} for n in instrument.notes],
        "source": instrument.source,
        "licence": instrument.licence,
        "loinc": instrument.loinc,
    }


def result_json(result: Result, *, language: str, previous: list[int]) -> dict[str, Any]:
    helplines = helplines_for(language)
    crisis_help = []
    if result.crisis:
        crisis_help = [{"name": line.name, "number": line.number} for line in helplines.lines[1:2]]
        with translation.override(language):
            crisis_help.append({"name": str(_("Emergency")), "number": helplines.emergency_number})
    return {
        # Crisis help comes first: a client that reads top-down meets it before any score.
        "crisis": result.crisis,
        "crisis_kinds": list(result.crisis_kinds),
        "crisis_help": crisis_help,
        "instrument": result.instrument.id,
        "version": result.instrument.version,
        "total": result.total,
        "range": list(result.instrument.range),
        "band": result.band.key if result.band else None,
        "band_label": localise(result.band.label, language) if result.band else None,
        "notes": [{"key": note.key, "text": localise(note.meaning, language)} for note in result.notes],
        "not_counted": list(result.excluded),
        "steps": [localise(step, language) for step in result.steps],
        "trend": trend(previous, result.total),
        "not_a_diagnosis": result.instrument.not_a_diagnosis,
        "stored": False,
    }


@router.get("", summary="List the self-check instruments")
def instrument_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": i.id, "version": i.version, "audience": i.audience, "title": i.title} for i in instruments().values()
    ]


@router.get("/{instrument_id}", summary="One instrument's definition")
def instrument_detail(request: HttpRequest, instrument_id: str) -> dict[str, Any]:
    return definition_json(_instrument_or_404(instrument_id))


@router.get("/{instrument_id}/fhir", summary="The instrument as a FHIR R4 Questionnaire")
def instrument_fhir(request: HttpRequest, instrument_id: str, lang: str = "en") -> dict[str, Any]:
    return fhir.questionnaire(_instrument_or_404(instrument_id), language=_language(lang))


@router.post("/{instrument_id}/score", summary="Score answers (nothing is stored)", response={200: dict, 422: dict})
def instrument_score(request: HttpRequest, instrument_id: str, payload: ScoreIn, lang: str = "en") -> Any:
    instrument = _instrument_or_404(instrument_id)
    try:
        result = score(instrument, payload.answers)
    except AnswerError as exc:
        return Status(422, {"detail": [{"item": key, "message": message} for key, message in exc.errors.items()]})
    previous = [total for total in payload.previous_totals if instrument.range[0] <= total <= instrument.range[1]]
    return Status(200, result_json(result, language=_language(lang), previous=previous))
