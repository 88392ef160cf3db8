"""The instrument engine: definitions are data (YAML files in ``instruments/``), checked
when loaded, and scored by one generic, exact function.

A definition names its items, the allowed answer values with their scores, the scoring
rule (a sum over scored items, with optional exclusions such as the DSM-5
medical-supervision rule), bands, range-triggered notes, crisis answers, safety steps,
source, licence and LOINC code. Anything malformed raises ``DefinitionError`` naming
the file, the item and the field, so a bad edit fails at start-up, never in front of a
person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from waypoint.screening import schema

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
LANGUAGES = schema.LANGUAGES

Value = int | str


class DefinitionError(ValueError):
    """A definition file is malformed; the message names the file, item and field."""


class AnswerError(ValueError):
    """Some answers are missing or not allowed; ``errors`` maps item key → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))


Text = dict[str, str]


def localise(text: Mapping[str, str] | None, language: str) -> str:
    if not text:
        return ""
    return text.get(language) or text.get("en") or ""


@dataclass(frozen=True)
class Option:
    value: Value
    label: Text


@dataclass(frozen=True)
class Item:
    key: str
    text: Text
    options: tuple[Option, ...]
    help: Text = field(default_factory=dict)
    scored: bool = True
    crisis_values: tuple[Value, ...] = ()
    crisis_kind: str = ""
    # A concrete safety step shown when the answer is one of step_values.
    step: Text = field(default_factory=dict)
    step_values: tuple[Value, ...] = ()
    loinc: str | None = None

    @property
    def values(self) -> tuple[Value, ...]:
        return tuple(option.value for option in self.options)

    def option_for(self, value: Value) -> Option:
        return next(option for option in self.options if option.value == value)


@dataclass(frozen=True)
class Band:
    key: str
    min: int
    max: int
    label: Text
    meaning: Text = field(default_factory=dict)


@dataclass(frozen=True)
class Exclusion:
    """When ``when_item`` has one of ``when_values``, ``items`` do not count."""

    when_item: str
    when_values: tuple[Value, ...]
    items: tuple[str, ...]
    reason: Text


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    audience: str
    title: Text
    intro: Text
    items: tuple[Item, ...]
    method: str
    source: Text
    licence: Text
    loinc: str | None = None
    window: Text = field(default_factory=dict)
    not_a_diagnosis: bool = False
    show_trend: bool = False
    exclusions: tuple[Exclusion, ...] = ()
    bands: tuple[Band, ...] = ()
    notes: tuple[Band, ...] = ()
    steps_always: tuple[Text, ...] = ()
    range: tuple[int, int] = (0, 0)

    def item(self, key: str) -> Item:
        return next(item for item in self.items if item.key == key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


@dataclass(frozen=True)
class Result:
    instrument: Instrument
    answers: dict[str, Value]
    total: int | None
    band: Band | None
    notes: tuple[Band, ...]
    crisis: bool
    crisis_kinds: tuple[str, ...]
    excluded: tuple[str, ...]
    exclusion_reasons: tuple[Text, ...]
    steps: tuple[Text, ...]
    counted: dict[str, int]


# --- Loading and validation -------------------------------------------------------------
# The shape of a file is checked by pydantic (schema.py); the rules that span fields are
# checked here, each naming where it failed.


def _text(value: schema.Localised | None) -> Text:
    return {"en": value.en, "es": value.es} if value is not None else {}


def _values(values: list[Value], allowed: tuple[Value, ...], fail: Any, where: str, name: str) -> tuple[Value, ...]:
    if any(value not in allowed for value in values):
        raise fail(where, f"field '{name}' must list allowed values of this item")
    return tuple(values)


def _band(entry: schema.RangeModel, meaning: Text) -> Band:
    return Band(key=entry.key, min=entry.min, max=entry.max, label=_text(entry.label), meaning=meaning)


def parse_definition(data: Any, *, source: str, expected_id: str | None = None) -> Instrument:
    """Builds an Instrument from parsed YAML/JSON, or raises DefinitionError."""

    def fail(where: str, message: str) -> DefinitionError:
        return DefinitionError(f"{source}: {where}: {message}")

    if not isinstance(data, dict):
        raise fail("definition", "must be a mapping")
    try:
        model = schema.DefinitionModel.model_validate(schema.resolve_option_sets(data))
    except schema.UnknownOptionSet as exc:
        key = data["items"][exc.index].get("key")
        raise fail(f"item {exc.index + 1} ({key})", f"field 'options' names unknown option set '{exc.name}'") from None
    except ValidationError as exc:
        raise DefinitionError(f"{source}: {schema.first_error(exc, data)}") from None
    if expected_id is not None and model.id != expected_id:
        raise fail("definition", f"field 'id' is '{model.id}' but the file is named '{expected_id}'")
    numeric = model.scoring.method == "sum"
    items: list[Item] = []
    for index, raw in enumerate(model.items):
        where = f"item {index + 1} ({raw.key})"
        if any(item.key == raw.key for item in items):
            raise fail(where, "field 'key' repeats an earlier item")
        values: list[Value] = []
        for number, option in enumerate(raw.options, start=1):
            if numeric and not isinstance(option.value, int):
                raise fail(
                    f"{where}, option {number}", "field 'value' must be an integer score for a summed instrument"
                )
            if option.value in values:
                raise fail(f"{where}, option {number}", f"field 'value' repeats {option.value!r}")
            values.append(option.value)
        allowed = tuple(values)
        if raw.crisis_values and not raw.crisis_kind:
            raise fail(where, "field 'crisis_kind' is required with 'crisis_values'")
        if bool(raw.step) != bool(raw.step_values):
            raise fail(where, "fields 'step' and 'step_values' go together")
        items.append(
            Item(
                key=raw.key,
                text=_text(raw.text),
                help=_text(raw.help),
                options=tuple(Option(value=o.value, label=_text(o.label)) for o in raw.options),
                scored=numeric if raw.scored is None else raw.scored,
                crisis_values=_values(raw.crisis_values, allowed, fail, where, "crisis_values"),
                crisis_kind=raw.crisis_kind,
                step=_text(raw.step),
                step_values=_values(raw.step_values, allowed, fail, where, "step_values"),
                loinc=raw.loinc,
            )
        )
    by_key = {item.key: item for item in items}
    exclusions = []
    for index, rule in enumerate(model.scoring.exclude, start=1):
        where = f"scoring exclusion {index}"
        if rule.when.item not in by_key:
            raise fail(where, f"field 'when.item' names unknown item {rule.when.item!r}")
        if any(key not in by_key for key in rule.items):
            raise fail(where, "field 'items' must name existing items")
        exclusions.append(
            Exclusion(
                when_item=rule.when.item,
                when_values=_values(rule.when.values, by_key[rule.when.item].values, fail, where, "when.values"),
                items=tuple(rule.items),
                reason=_text(rule.reason),
            )
        )
    scored = [item for item in items if item.scored]
    if numeric and not scored:
        raise fail("scoring", "a summed instrument needs at least one scored item")
    low = sum(min(int(v) for v in item.values) for item in scored) if numeric else 0
    high = sum(max(int(v) for v in item.values) for item in scored) if numeric else 0
    if numeric and model.scoring.range != [low, high]:
        declared = model.scoring.range
        raise fail("scoring", f"field 'range' must be [{low}, {high}] (what the items allow), not {declared}")
    for kind, entries in (("band", model.bands), ("note", model.notes)):
        for entry in entries:
            if entry.min > entry.max:
                raise fail(f"{kind} {entry.key}", "fields 'min' and 'max' must be integers with min ≤ max")
    bands = tuple(_band(entry, _text(entry.meaning)) for entry in model.bands)
    if bands:
        # Bands must cover the whole range, in order, without gaps or overlaps.
        expected = low
        for band in bands:
            if band.min != expected:
                raise fail(f"band {band.key}", f"field 'min' must be {expected} (no gaps or overlaps)")
            expected = band.max + 1
        if expected - 1 != high:
            raise fail(f"band {bands[-1].key}", f"field 'max' must be {high}, the top of the range")
    return Instrument(
        id=model.id,
        version=model.version,
        audience=model.audience,
        title=_text(model.title),
        intro=_text(model.intro),
        window=_text(model.window),
        items=tuple(items),
        method=model.scoring.method,
        source=_text(model.source),
        licence=_text(model.licence),
        loinc=model.loinc,
        not_a_diagnosis=model.not_a_diagnosis,
        show_trend=model.show_trend,
        exclusions=tuple(exclusions),
        bands=bands,
        notes=tuple(_band(entry, _text(entry.text)) for entry in model.notes),
        steps_always=tuple(_text(step) for step in model.steps_always),
        range=(low, high),
    )


def load_file(path: Path) -> Instrument:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(f"{path.name}: cannot be read: {exc}") from exc
    return parse_definition(data, source=path.name, expected_id=path.stem)


# The published instruments, in the order the index page lists them.
PUBLISHED = ("oud-self-check", "overdose-risk", "sows-gossop", "cows", "barc-10")


@cache
def instruments() -> dict[str, Instrument]:
    return {instrument_id: load_file(INSTRUMENTS_DIR / f"{instrument_id}.yaml") for instrument_id in PUBLISHED}


def get_instrument(instrument_id: str) -> Instrument | None:
    return instruments().get(instrument_id)


# --- Answers and scoring ----------------------------------------------------------------


def _coerce(item: Item, raw: Any) -> Value | None:
    """The allowed value that `raw` stands for (forms send strings), or None."""
    if isinstance(raw, bool) or raw is None:
        return None
    for value in item.values:
        if raw == value or (isinstance(raw, str) and raw.strip() == str(value)):
            return value
    return None


def clean_answers(instrument: Instrument, raw: Mapping[str, Any]) -> dict[str, Value]:
    """Every item answered with an allowed value, or AnswerError naming each bad item."""
    errors: dict[str, str] = {}
    answers: dict[str, Value] = {}
    for key in raw:
        if key not in instrument.keys:
            errors[str(key)[:60]] = "is not a question of this check"
    for item in instrument.items:
        if item.key not in raw or raw[item.key] in (None, ""):
            errors[item.key] = "needs an answer"
            continue
        value = _coerce(item, raw[item.key])
        if value is None:
            allowed = ", ".join(str(v) for v in item.values)
            errors[item.key] = f"must be one of: {allowed}"
            continue
        answers[item.key] = value
    if errors:
        raise AnswerError(errors)
    return answers


def score(instrument: Instrument, raw: Mapping[str, Any]) -> Result:
    """Scores a complete set of answers exactly as the definition says."""
    answers = clean_answers(instrument, raw)
    excluded: list[str] = []
    reasons: list[Text] = []
    for rule in instrument.exclusions:
        if answers[rule.when_item] in rule.when_values:
            excluded.extend(key for key in rule.items if key not in excluded)
            reasons.append(rule.reason)
    counted = {
        item.key: int(answers[item.key])
        for item in instrument.items
        if item.scored and item.key not in excluded and instrument.method == "sum"
    }
    total = sum(counted.values()) if instrument.method == "sum" else None
    band = None
    notes: tuple[Band, ...] = ()
    if total is not None:
        band = next((b for b in instrument.bands if b.min <= total <= b.max), None)
        notes = tuple(note for note in instrument.notes if note.min <= total <= note.max)
    crisis_kinds = tuple(
        dict.fromkeys(item.crisis_kind for item in instrument.items if answers[item.key] in item.crisis_values)
    )
    steps = tuple(item.step for item in instrument.items if answers[item.key] in item.step_values)
    return Result(
        instrument=instrument,
        answers=answers,
        total=total,
        band=band,
        notes=notes,
        crisis=bool(crisis_kinds),
        crisis_kinds=crisis_kinds,
        excluded=tuple(excluded),
        exclusion_reasons=tuple(reasons),
        steps=steps + instrument.steps_always,
        counted=counted,
    )


def trend(previous: list[int], total: int | None) -> str | None:
    """'up', 'down' or 'same' compared with the last earlier total, if any."""
    if total is None or not previous:
        return None
    last = previous[-1]
    return "up" if total > last else "down" if total < last else "same"
