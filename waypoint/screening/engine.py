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

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
LANGUAGES = ("en", "es")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
AUDIENCES = {"self", "clinician", "helper", "self-or-helper"}
METHODS = {"sum", "none"}

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


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> DefinitionError:
        return DefinitionError(f"{self.source}: {where}: {message}")

    def text(self, data: Mapping[str, Any], name: str, where: str, *, required: bool = True) -> Text:
        value = data.get(name)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, f"field '{name}' must be a mapping with {', '.join(LANGUAGES)} text")
        for language in LANGUAGES:
            if not isinstance(value.get(language), str) or not value[language].strip():
                raise self.fail(where, f"field '{name}' needs non-empty '{language}' text")
        return {language: value[language].strip() for language in LANGUAGES}

    def citation(self, data: Mapping[str, Any], name: str, where: str) -> Text:
        """A citation may be one string (the same in every language) or en/es text."""
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return dict.fromkeys(LANGUAGES, value.strip())
        return self.text(data, name, where)

    def string(self, data: Mapping[str, Any], name: str, where: str) -> str:
        value = data.get(name)
        if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
            raise self.fail(where, f"field '{name}' is required")
        return str(value).strip()


def _options(
    check: _Checker, raw: Any, where: str, option_sets: Mapping[str, Any], *, numeric: bool
) -> tuple[Option, ...]:
    if isinstance(raw, str):
        if raw not in option_sets:
            raise check.fail(where, f"field 'options' names unknown option set '{raw}'")
        raw = option_sets[raw]
    if not isinstance(raw, list) or not raw:
        raise check.fail(where, "field 'options' must be a non-empty list")
    options: list[Option] = []
    for index, entry in enumerate(raw):
        spot = f"{where}, option {index + 1}"
        if not isinstance(entry, dict) or "value" not in entry:
            raise check.fail(spot, "field 'value' is required")
        value = entry["value"]
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise check.fail(spot, "field 'value' must be an integer or a code")
        if numeric and not isinstance(value, int):
            raise check.fail(spot, "field 'value' must be an integer score for a summed instrument")
        if any(option.value == value for option in options):
            raise check.fail(spot, f"field 'value' repeats {value!r}")
        options.append(Option(value=value, label=check.text(entry, "label", spot)))
    return tuple(options)


def _values(check: _Checker, raw: Any, where: str, name: str, allowed: tuple[Value, ...]) -> tuple[Value, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or any(value not in allowed for value in raw):
        raise check.fail(where, f"field '{name}' must list allowed values of this item")
    return tuple(raw)


def _ranges(check: _Checker, raw: Any, name: str, *, meaning: str) -> tuple[Band, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise check.fail(name, "must be a list")
    bands = []
    for index, entry in enumerate(raw):
        where = f"{name} {index + 1}"
        if not isinstance(entry, dict):
            raise check.fail(where, "must be a mapping")
        low, high = entry.get("min"), entry.get("max")
        if not isinstance(low, int) or not isinstance(high, int) or low > high:
            raise check.fail(where, "fields 'min' and 'max' must be integers with min ≤ max")
        bands.append(
            Band(
                key=check.string(entry, "key", where),
                min=low,
                max=high,
                label=check.text(entry, "label", where),
                meaning=check.text(entry, meaning, where, required=False),
            )
        )
    return tuple(bands)


def parse_definition(data: Any, *, source: str, expected_id: str | None = None) -> Instrument:
    """Builds an Instrument from parsed YAML/JSON, or raises DefinitionError."""
    check = _Checker(source)
    if not isinstance(data, dict):
        raise check.fail("definition", "must be a mapping")
    instrument_id = check.string(data, "id", "definition")
    if expected_id is not None and instrument_id != expected_id:
        raise check.fail("definition", f"field 'id' is '{instrument_id}' but the file is named '{expected_id}'")
    audience = check.string(data, "audience", "definition")
    if audience not in AUDIENCES:
        raise check.fail("definition", f"field 'audience' must be one of {sorted(AUDIENCES)}")
    scoring = data.get("scoring") or {}
    method = scoring.get("method") if isinstance(scoring, dict) else None
    if method not in METHODS:
        raise check.fail("scoring", f"field 'method' must be one of {sorted(METHODS)}")
    numeric = method == "sum"
    option_sets = data.get("option_sets") or {}
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise check.fail("definition", "field 'items' must be a non-empty list")
    items: list[Item] = []
    for index, raw in enumerate(raw_items):
        key = raw.get("key") if isinstance(raw, dict) else None
        where = f"item {index + 1} ({key})" if key else f"item {index + 1}"
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise check.fail(where, "field 'key' must be lower_snake_case")
        if any(item.key == key for item in items):
            raise check.fail(where, "field 'key' repeats an earlier item")
        options = _options(check, raw.get("options"), where, option_sets, numeric=numeric)
        values = tuple(option.value for option in options)
        items.append(
            Item(
                key=key,
                text=check.text(raw, "text", where),
                help=check.text(raw, "help", where, required=False),
                options=options,
                scored=bool(raw.get("scored", numeric)),
                crisis_values=_values(check, raw.get("crisis_values"), where, "crisis_values", values),
                crisis_kind=str(raw.get("crisis_kind", "")),
                step=check.text(raw, "step", where, required=False),
                step_values=_values(check, raw.get("step_values"), where, "step_values", values),
                loinc=raw.get("loinc"),
            )
        )
    for item in items:
        if item.crisis_values and not item.crisis_kind:
            raise check.fail(f"item {item.key}", "field 'crisis_kind' is required with 'crisis_values'")
        if bool(item.step) != bool(item.step_values):
            raise check.fail(f"item {item.key}", "fields 'step' and 'step_values' go together")
    keys = {item.key for item in items}
    exclusions = []
    for index, raw in enumerate(scoring.get("exclude") or []):
        where = f"scoring exclusion {index + 1}"
        when = raw.get("when") or {}
        when_item = when.get("item")
        if when_item not in keys:
            raise check.fail(where, f"field 'when.item' names unknown item {when_item!r}")
        excluded = raw.get("items") or []
        if not excluded or any(key not in keys for key in excluded):
            raise check.fail(where, "field 'items' must name existing items")
        allowed = next(item.values for item in items if item.key == when_item)
        exclusions.append(
            Exclusion(
                when_item=when_item,
                when_values=_values(check, when.get("values"), where, "when.values", allowed),
                items=tuple(excluded),
                reason=check.text(raw, "reason", where),
            )
        )
    scored = [item for item in items if item.scored]
    if numeric and not scored:
        raise check.fail("scoring", "a summed instrument needs at least one scored item")
    low = sum(min(int(v) for v in item.values) for item in scored) if numeric else 0
    high = sum(max(int(v) for v in item.values) for item in scored) if numeric else 0
    declared = scoring.get("range")
    if numeric and declared != [low, high]:
        raise check.fail("scoring", f"field 'range' must be [{low}, {high}] (what the items allow), not {declared}")
    bands = _ranges(check, data.get("bands"), "band", meaning="meaning")
    if bands:
        # Bands must cover the whole range, in order, without gaps or overlaps.
        expected = low
        for band in bands:
            if band.min != expected:
                raise check.fail(f"band {band.key}", f"field 'min' must be {expected} (no gaps or overlaps)")
            expected = band.max + 1
        if expected - 1 != high:
            raise check.fail(f"band {bands[-1].key}", f"field 'max' must be {high}, the top of the range")
    steps_always = tuple(
        check.text({"step": raw}, "step", f"steps_always {index + 1}")
        for index, raw in enumerate(data.get("steps_always") or [])
    )
    return Instrument(
        id=instrument_id,
        version=check.string(data, "version", "definition"),
        audience=audience,
        title=check.text(data, "title", "definition"),
        intro=check.text(data, "intro", "definition"),
        window=check.text(data, "window", "definition", required=False),
        items=tuple(items),
        method=method,
        source=check.citation(data, "source", "definition"),
        licence=check.citation(data, "licence", "definition"),
        loinc=data.get("loinc"),
        not_a_diagnosis=bool(data.get("not_a_diagnosis", False)),
        show_trend=bool(data.get("show_trend", False)),
        exclusions=tuple(exclusions),
        bands=bands,
        notes=_ranges(check, data.get("notes"), "note", meaning="text"),
        steps_always=steps_always,
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
