"""FHIR R4 (R4B-compatible) Questionnaire and QuestionnaireResponse for a self-check,
for clinics whose systems read FHIR. Built as plain dicts; tests validate them with
``fhir.resources.R4B``. LOINC codes appear only where the definition gives a real one
(none of ours has one today; COWS has none)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from waypoint.screening.engine import Instrument, Result, localise

LOINC = "http://loinc.org"


def canonical(instrument: Instrument) -> str:
    return f"urn:waypoint:questionnaire:{instrument.id}"


def answer_system(instrument: Instrument) -> str:
    return f"urn:waypoint:answers:{instrument.id}"


def _coding(instrument: Instrument, value: Any, display: str) -> dict[str, Any]:
    return {"system": answer_system(instrument), "code": str(value), "display": display}


def questionnaire(instrument: Instrument, *, language: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        entry: dict[str, Any] = {
            "linkId": item.key,
            "text": localise(item.text, language),
            "type": "choice",
            "required": True,
            "answerOption": [
                {"valueCoding": _coding(instrument, option.value, localise(option.label, language))}
                for option in item.options
            ],
        }
        if item.loinc:
            entry["code"] = [{"system": LOINC, "code": item.loinc}]
        items.append(entry)
    if instrument.method == "sum":
        items.append({"linkId": "total", "text": "Total score", "type": "integer", "readOnly": True})
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": instrument.id,
        "url": canonical(instrument),
        "version": instrument.version,
        "name": "".join(part.capitalize() for part in instrument.id.replace("-", " ").split()),
        "title": localise(instrument.title, language),
        "status": "active",
        "language": language,
        "description": f"{localise(instrument.intro, language)} Source: {localise(instrument.source, language)}",
        "copyright": localise(instrument.licence, language),
        "item": items,
    }
    if instrument.loinc:
        resource["code"] = [{"system": LOINC, "code": instrument.loinc}]
    return resource


def questionnaire_response(result: Result, *, language: str, authored: datetime | None = None) -> dict[str, Any]:
    instrument = result.instrument
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        value = result.answers[item.key]
        label = localise(item.option_for(value).label, language)
        items.append(
            {
                "linkId": item.key,
                "text": localise(item.text, language),
                "answer": [{"valueCoding": _coding(instrument, value, label)}],
            }
        )
    if result.total is not None:
        items.append({"linkId": "total", "text": "Total score", "answer": [{"valueInteger": result.total}]})
    when = (authored or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{canonical(instrument)}|{instrument.version}",
        "status": "completed",
        "language": language,
        "authored": when.isoformat().replace("+00:00", "Z"),
        "item": items,
    }


def bundle(result: Result, *, language: str, authored: datetime | None = None) -> dict[str, Any]:
    """A collection Bundle with the Questionnaire and the person's response."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": (authored or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat(),
        "entry": [
            {"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": questionnaire(result.instrument, language=language)},
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": questionnaire_response(result, language=language, authored=authored),
            },
        ],
    }
