"""The meeting type code table (waypoint/meetings/data/types.json): Meeting Guide codes
with English and Spanish names. Data, not code: edit the JSON to add a code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.utils import translation

DATA_DIR = Path(__file__).resolve().parent / "data"

# The types a person most often looks for, in the order the finder offers them.
COMMON_TYPES = ["BE", "O", "C", "S", "W", "M", "LGBTQ", "Y", "X", "ASL"]


@cache
def type_table() -> dict[str, dict[str, str]]:
    data = json.loads((DATA_DIR / "types.json").read_text(encoding="utf-8"))
    return dict(data["types"])


def is_known(code: str) -> bool:
    return code in type_table()


def type_label(code: str, language: str | None = None) -> str:
    """The name of a type code in the current (or given) language, English as fallback."""
    language = (language or translation.get_language() or "en")[:2]
    names = type_table().get(code)
    if names is None:
        return code
    return names.get(language) or names["en"]


def type_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    return [(code, type_label(code)) for code in (codes or COMMON_TYPES)]
