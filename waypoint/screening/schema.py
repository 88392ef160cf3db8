"""The shape of an instrument definition file (``instruments/*.yaml``,
``decision/situation.yaml``), as pydantic models.

Clinical staff edit these files; every problem is reported as
``file: where: field 'x' ...`` ("cows.yaml: item 11 (gooseflesh): field 'text' needs
non-empty 'es' text") so that it can be fixed without reading code. The rules that span
fields (bands covering the range, exclusions naming items, ...) are checked by
``engine.parse_definition`` after this structural pass.

Unknown fields are refused, not ignored: a misspelt ``crisis_valeus`` must fail loudly,
or a crisis answer would silently stop showing crisis help.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, ValidationError

LANGUAGES = ("en", "es")
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,40}$"


def _text(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError("must not be empty")
    return value.strip() if isinstance(value, str) else value


def _value(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("must be an integer or a code")
    return value


def _scalar_text(value: Any) -> Any:
    """Versions are often written as numbers (1.0): kept as text."""
    if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
        raise ValueError("is required")
    return str(value).strip()


def _citation(value: Any) -> Any:
    """A citation may be one string, the same in every language."""
    if isinstance(value, str) and value.strip():
        return dict.fromkeys(LANGUAGES, value)
    return value


NonEmpty = Annotated[str, BeforeValidator(_text)]
Value = Annotated[int | str, BeforeValidator(_value)]
ScalarText = Annotated[str, BeforeValidator(_scalar_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(_Strict):
    en: NonEmpty
    es: NonEmpty


Citation = Annotated[Localised, BeforeValidator(_citation)]


class OptionModel(_Strict):
    value: Value
    label: Localised


class ItemModel(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    text: Localised
    help: Localised | None = None
    # A list of options, or the name of one of the file's option_sets (resolved before
    # validation, see resolve_option_sets).
    options: list[OptionModel] = Field(min_length=1)
    scored: bool | None = None
    crisis_values: list[Value] = Field(default_factory=list)
    crisis_kind: str = ""
    step: Localised | None = None
    step_values: list[Value] = Field(default_factory=list)
    loinc: str | None = None


class RangeModel(_Strict):
    key: ScalarText
    min: StrictInt
    max: StrictInt
    label: Localised
    # Bands explain themselves with `meaning`; notes with `text`.
    meaning: Localised | None = None
    text: Localised | None = None


class WhenModel(_Strict):
    item: str
    values: list[Value] = Field(min_length=1)


class ExclusionModel(_Strict):
    when: WhenModel
    items: list[str] = Field(min_length=1)
    reason: Localised


class ScoringModel(_Strict):
    method: Literal["sum", "none"]
    range: list[StrictInt] | None = None
    exclude: list[ExclusionModel] = Field(default_factory=list)


class DefinitionModel(_Strict):
    id: ScalarText
    version: ScalarText
    audience: Literal["self", "clinician", "helper", "self-or-helper"]
    title: Localised
    intro: Localised
    window: Localised | None = None
    source: Citation
    licence: Citation
    loinc: str | None = None
    not_a_diagnosis: bool = False
    show_trend: bool = False
    scoring: ScoringModel
    option_sets: dict[str, list[OptionModel]] = Field(default_factory=dict)
    items: list[ItemModel] = Field(min_length=1)
    bands: list[RangeModel] = Field(default_factory=list)
    notes: list[RangeModel] = Field(default_factory=list)
    steps_always: list[Localised] = Field(default_factory=list)


class UnknownOptionSet(ValueError):
    def __init__(self, index: int, name: str) -> None:
        self.index, self.name = index, name
        super().__init__(name)


def resolve_option_sets(data: Any) -> Any:
    """Items may name a shared option set (``options: yes_no``); put the set in place so
    that the items validate as plain lists."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return data
    raw_sets = data.get("option_sets")
    sets: dict[str, Any] = raw_sets if isinstance(raw_sets, dict) else {}
    items = []
    for index, item in enumerate(data["items"]):
        if isinstance(item, dict) and isinstance(item.get("options"), str):
            if item["options"] not in sets:
                raise UnknownOptionSet(index, item["options"])
            item = {**item, "options": sets[item["options"]]}
        items.append(item)
    return {**data, "items": items}


def where(loc: Sequence[int | str], data: Any) -> tuple[str, str]:
    """(place, field) for an error location: ('items', 10, 'text', 'es') →
    ("item 11 (gooseflesh)", "text")."""
    parts = list(loc)
    place = "definition"
    if len(parts) >= 2 and parts[0] in {"items", "bands", "notes"} and isinstance(parts[1], int):
        index = parts[1]
        noun = {"items": "item", "bands": "band", "notes": "note"}[str(parts[0])]
        entry = _at(data, parts[0], index)
        key = entry.get("key") if isinstance(entry, Mapping) else None
        place = f"{noun} {index + 1}" + (f" ({key})" if isinstance(key, str) and noun == "item" else "")
        parts = parts[2:]
        if len(parts) >= 2 and parts[0] == "options" and isinstance(parts[1], int):
            place += f", option {parts[1] + 1}"
            parts = parts[2:]
    elif parts[:2] == ["scoring", "exclude"] and len(parts) >= 3 and isinstance(parts[2], int):
        place, parts = f"scoring exclusion {parts[2] + 1}", parts[3:]
    elif parts[:1] == ["scoring"]:
        place, parts = "scoring", parts[1:]
    elif parts[:1] == ["option_sets"] and len(parts) >= 3:
        place, parts = f"option set '{parts[1]}', option {int(parts[2]) + 1}", parts[3:]
    elif parts[:1] == ["steps_always"] and len(parts) >= 2:
        place, parts = f"steps_always {int(parts[1]) + 1}", parts[2:]
    names = [str(part) for part in parts if isinstance(part, str)]
    return place, ".".join(name for name in names if name not in LANGUAGES)


def _at(data: Any, name: Any, index: int) -> Any:
    entries = data.get(name) if isinstance(data, Mapping) else None
    return entries[index] if isinstance(entries, list) and index < len(entries) else None


def first_error(exc: ValidationError, data: Any) -> str:
    """The first problem, in words a clinical editor can act on."""
    error = exc.errors(include_url=False)[0]
    loc = error["loc"]
    place, field_name = where(loc, data)
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing" and loc and loc[-1] in LANGUAGES:
        return f"{place}: field '{field_name}' needs non-empty '{loc[-1]}' text"
    if loc and loc[-1] in LANGUAGES:
        return f"{place}: field '{field_name}' needs non-empty '{loc[-1]}' text ({message})"
    if error["type"] == "missing":
        return f"{place}: field '{field_name}' is required"
    if error["type"] == "extra_forbidden":
        return f"{place}: field '{field_name}' is not a known field (a typo?)"
    return f"{place}: field '{field_name}' {message[:1].lower()}{message[1:]}"
