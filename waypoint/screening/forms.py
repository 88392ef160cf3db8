"""Turning posted answers into engine input, and engine output into template data.

The instruments are data, so their forms are built from the definition rather than as
Django Form classes: one fieldset per question, one radio button per allowed answer.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from waypoint.screening.engine import AnswerError, Instrument, Result, Value, localise

MAX_HISTORY = 20


def posted_answers(instrument: Instrument, data: QueryDict) -> dict[str, str]:
    """Only this instrument's keys: other fields (CSRF token, buttons) are not answers."""
    return {key: str(data.get(key)) for key in instrument.keys if data.get(key, "") != ""}


def posted_history(instrument: Instrument, data: QueryDict) -> list[int]:
    """Earlier totals the person carries along in a hidden field (never stored by us)."""
    low, high = instrument.range
    totals: list[int] = []
    for part in data.get("history", "").split(",")[-MAX_HISTORY:]:
        part = part.strip()
        if part.isdigit() and low <= int(part) <= high:
            totals.append(int(part))
    return totals


def friendly_errors(error: AnswerError | None) -> dict[str, str]:
    if error is None:
        return {}
    return {
        key: _("Please choose an answer.")
        if message == "needs an answer"
        else _("Please choose one of the answers shown.")
        for key, message in error.errors.items()
    }


def questions(
    instrument: Instrument, *, language: str, answers: dict[str, Any], errors: dict[str, str]
) -> list[dict[str, Any]]:
    """What the template needs to draw each question as a fieldset of radio buttons."""
    return [
        {
            "number": number,
            "key": item.key,
            "text": localise(item.text, language),
            "help": localise(item.help, language),
            "error": errors.get(item.key, ""),
            "options": [
                {
                    "value": option.value,
                    "label": localise(option.label, language),
                    "checked": str(answers.get(item.key, "")) == str(option.value),
                    "id": f"q-{item.key}-{index}",
                }
                for index, option in enumerate(item.options)
            ],
        }
        for number, item in enumerate(instrument.items, start=1)
    ]


def answer_rows(result: Result, *, language: str) -> list[dict[str, Any]]:
    rows = []
    for item in result.instrument.items:
        value: Value = result.answers[item.key]
        rows.append(
            {
                "key": item.key,
                "value": value,
                "text": localise(item.text, language),
                "answer": localise(item.option_for(value).label, language),
                "points": result.counted.get(item.key),
                "not_counted": item.key in result.excluded,
            }
        )
    return rows
