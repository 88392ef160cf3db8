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
from ninja.responses import Status
from pydantic import BaseModel, ConfigDict, Field

from waypoint.core.access import NotAllowed, Policy, api_access
from waypoint.core.apierrors import ERROR_RESPONSES
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


# --- Answers, documented in the OpenAPI document (names unique across apps) ----------------

Localised = dict[str, str]  # {"en": "...", "es": "..."}
AnswerValue = int | str


class InstrumentSummaryOut(BaseModel):
    id: str
    version: str
    audience: str
    title: Localised


class InstrumentOptionOut(BaseModel):
    value: AnswerValue
    label: Localised


class InstrumentItemOut(BaseModel):
    key: str
    text: Localised
    help: Localised | None
    scored: bool
    allowed_values: list[AnswerValue]
    options: list[InstrumentOptionOut]
    crisis_values: list[AnswerValue]


class InstrumentExclusionWhenOut(BaseModel):
    item: str
    values: list[AnswerValue]


class InstrumentExclusionOut(BaseModel):
    when: InstrumentExclusionWhenOut
    items: list[str]


class InstrumentScoringOut(BaseModel):
    method: str
    range: list[int]
    exclusions: list[InstrumentExclusionOut]


class InstrumentBandOut(BaseModel):
    key: str
    min: int
    max: int
    label: Localised


class InstrumentNoteOut(BaseModel):
    key: str
    min: int | None
    max: int | None
    text: Localised


class InstrumentOut(BaseModel):
    id: str
    version: str
    audience: str
    title: Localised
    intro: Localised
    window: Localised | None
    not_a_diagnosis: bool
    items: list[InstrumentItemOut]
    scoring: InstrumentScoringOut
    bands: list[InstrumentBandOut]
    notes: list[InstrumentNoteOut]
    source: Localised
    licence: Localised
    loinc: str | None


class CrisisLineOut(BaseModel):
    name: str
    number: str


class ScoreNoteOut(BaseModel):
    key: str
    text: str


class ScoreOut(BaseModel):
    crisis: bool = Field(description="Crisis help comes first: true when an answer suggests danger.")
    crisis_kinds: list[str]
    crisis_help: list[CrisisLineOut]
    instrument: str
    version: str
    total: int | None
    range: list[int]
    band: str | None
    band_label: str | None
    notes: list[ScoreNoteOut]
    not_counted: list[str]
    steps: list[str]
    trend: str | None = Field(description="'up', 'down' or 'same' against the last earlier total")
    not_a_diagnosis: bool
    stored: bool = Field(description="Always false: scoring stores nothing.")


class FhirResourceOut(BaseModel):
    """A FHIR R4 resource (validated against FHIR's own schema in the tests)."""

    model_config = ConfigDict(extra="allow")
    resourceType: str  # FHIR's own field name


class ScoreIn(Schema):
    answers: dict[str, Any]
    # Earlier totals of the same check (kept by the person, not by us), for a trend.
    previous_totals: list[int] = Field(default_factory=list, max_length=50)


def _instrument_or_404(instrument_id: str) -> Instrument:
    instrument = get_instrument(instrument_id)
    if instrument is None:
        raise NotAllowed(f"No instrument '{instrument_id}'.")
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
        # The crisis line by its role (never its place in the operator's file), then 911.
        crisis = helplines.crisis
        crisis_help = [{"name": crisis.name, "number": crisis.number}] if crisis is not None else []
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


@router.get(
    "", response={200: list[InstrumentSummaryOut], **ERROR_RESPONSES}, summary="List the self-check instruments"
)
@api_access(Policy.PUBLIC)
def instrument_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": i.id, "version": i.version, "audience": i.audience, "title": i.title} for i in instruments().values()
    ]


@router.get("/{instrument_id}", response={200: InstrumentOut, **ERROR_RESPONSES}, summary="One instrument's definition")
@api_access(Policy.PUBLIC)
def instrument_detail(request: HttpRequest, instrument_id: str) -> dict[str, Any]:
    return definition_json(_instrument_or_404(instrument_id))


@router.get(
    "/{instrument_id}/fhir",
    response={200: FhirResourceOut, **ERROR_RESPONSES},
    summary="The instrument as a FHIR R4 Questionnaire",
)
@api_access(Policy.PUBLIC)
def instrument_fhir(request: HttpRequest, instrument_id: str, lang: str = "en") -> dict[str, Any]:
    return fhir.questionnaire(_instrument_or_404(instrument_id), language=_language(lang))


@router.post(
    "/{instrument_id}/score",
    summary="Score answers (nothing is stored)",
    response={200: ScoreOut, **ERROR_RESPONSES},
)
@api_access(Policy.PUBLIC)
def instrument_score(request: HttpRequest, instrument_id: str, payload: ScoreIn, lang: str = "en") -> Any:
    instrument = _instrument_or_404(instrument_id)
    try:
        result = score(instrument, payload.answers)
    except AnswerError as exc:
        items = [
            {"loc": ["body", "answers", key], "msg": message, "type": "invalid_answer"}
            for key, message in exc.errors.items()
        ]
        return Status(422, {"detail": items})
    previous = [total for total in payload.previous_totals if instrument.range[0] <= total <= instrument.range[1]]
    return Status(200, result_json(result, language=_language(lang), previous=previous))
