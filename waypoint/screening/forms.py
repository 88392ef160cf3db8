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


class TamperedHistory(ValueError):
    """The hidden `history` field was not written by our page (e.g. "²" or 4,301 digits)."""


def posted_history(instrument: Instrument, data: QueryDict) -> list[int]:
    """Earlier totals the person carries along in a hidden field (never stored by us).

    Only what our own page writes is accepted: comma-separated ASCII whole numbers within
    the instrument's range. Anything else raises TamperedHistory (int() would otherwise
    fail on "²" or on more than 4,300 digits, and the page would crash).
    """
    raw = data.get("history", "")
    if len(raw) > MAX_HISTORY * 10:
        raise TamperedHistory("too long")
    low, high = instrument.range
    totals: list[int] = []
    for part in raw.split(",")[-MAX_HISTORY:]:
        part = part.strip()
        if not part:
            continue
        if not (part.isascii() and part.isdigit()) or not low <= int(part) <= high:
            raise TamperedHistory(part[:20])
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
