"""The decision aid: transparent rules, kept as data (``decision/*.yaml``), that turn a
person's situation into suggested kinds of care, each with its reasons, trade-offs and
a link to the treatment locator with matching filters.

Medication for opioid use disorder is always suggested first (a rule with no condition),
whatever else fires. These are kinds of care, never an "ASAM placement".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from waypoint.screening.engine import (
    LANGUAGES,
    DefinitionError,
    Instrument,
    Text,
    clean_answers,
    load_file,
)

DECISION_DIR = Path(__file__).resolve().parent / "decision"
# SAMHSA service codes the locator understands and this aid may use.
SERVICE_CODES = frozenset((
    "MU", "BU", "NU", "OTP", "DT", "OP", "OIT", "RES", "HI", "CT",  # medication and setting
    "MD", "MC", "PI", "SF", "SS", "NP",  # payment
    "PW", "AD", "SP", "CO", "CJ",  # groups and language
))  # fmt: skip
# Parts of the advice page a rule may switch on (advice.html checks `advice.shows`).
SHOWS = frozenset({"safety_plan", "lost_tolerance", "mixing_risk"})


@dataclass(frozen=True)
class CareKind:
    id: str
    name: Text
    what: Text
    tradeoffs: Text
    services: tuple[str, ...]
    source: str
    medication: bool = False
    where: Text = field(default_factory=dict)
    how_often: Text = field(default_factory=dict)
    mortality: Text = field(default_factory=dict)
    guide: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    when: dict[str, tuple[str, ...]]
    reason: Text
    suggest: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    shows: str = ""
    caution: bool = False
    source: str = ""

    def matches(self, answers: Mapping[str, Any]) -> bool:
        return all(answers.get(key) in values for key, values in self.when.items())


@dataclass(frozen=True)
class Suggestion:
    care: CareKind
    reasons: tuple[Rule, ...]
    services: tuple[str, ...]


@dataclass(frozen=True)
class Advice:
    answers: dict[str, Any]
    suggestions: tuple[Suggestion, ...]
    fired: tuple[Rule, ...]
    filters: tuple[str, ...]
    shows: frozenset[str]

    @property
    def fired_ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.fired)

    @property
    def medications(self) -> tuple[CareKind, ...]:
        return tuple(s.care for s in self.suggestions if s.care.medication)


def _text(raw: Any, where: str, name: str, *, required: bool = True) -> Text:
    if raw is None and not required:
        return {}
    if not isinstance(raw, dict) or any(not isinstance(raw.get(lang), str) or not raw[lang] for lang in LANGUAGES):
        raise DefinitionError(f"{where}: field '{name}' needs en and es text")
    return {lang: raw[lang].strip() for lang in LANGUAGES}


def _codes(raw: Any, where: str) -> tuple[str, ...]:
    codes = tuple(raw or ())
    unknown = [code for code in codes if code not in SERVICE_CODES]
    if unknown:
        raise DefinitionError(f"{where}: unknown service code(s) {unknown}")
    return codes


def parse_care(data: Any, *, source: str = "care.yaml") -> tuple[CareKind, ...]:
    entries = data.get("care") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DefinitionError(f"{source}: field 'care' must be a non-empty list")
    kinds: list[CareKind] = []
    for index, raw in enumerate(entries):
        where = f"{source}: care {index + 1} ({raw.get('id') if isinstance(raw, dict) else '?'})"
        if not isinstance(raw, dict) or not raw.get("id"):
            raise DefinitionError(f"{where}: field 'id' is required")
        medication = bool(raw.get("medication", False))
        kinds.append(
            CareKind(
                id=str(raw["id"]),
                name=_text(raw.get("name"), where, "name"),
                what=_text(raw.get("what"), where, "what"),
                tradeoffs=_text(raw.get("tradeoffs"), where, "tradeoffs"),
                services=_codes(raw.get("services"), where),
                source=str(raw.get("source") or ""),
                medication=medication,
                where=_text(raw.get("where"), where, "where", required=medication),
                how_often=_text(raw.get("how_often"), where, "how_often", required=medication),
                mortality=_text(raw.get("mortality"), where, "mortality", required=medication),
                guide=str(raw.get("guide") or ""),
            )
        )
        if not kinds[-1].services:
            raise DefinitionError(f"{where}: field 'services' needs at least one code")
    return tuple(kinds)


def parse_rules(
    data: Any, *, situation: Instrument, care: tuple[CareKind, ...], source: str = "rules.yaml"
) -> tuple[Rule, ...]:
    entries = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DefinitionError(f"{source}: field 'rules' must be a non-empty list")
    care_ids = {kind.id for kind in care}
    rules: list[Rule] = []
    for index, raw in enumerate(entries):
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        where = f"{source}: rule {index + 1} ({rule_id})"
        if not rule_id or any(rule.id == rule_id for rule in rules):
            raise DefinitionError(f"{where}: field 'id' is missing or repeated")
        when: dict[str, tuple[str, ...]] = {}
        for key, values in (raw.get("when") or {}).items():
            if key not in situation.keys:
                raise DefinitionError(f"{where}: field 'when' names unknown question '{key}'")
            allowed = situation.item(key).values
            if not isinstance(values, list) or not values or any(value not in allowed for value in values):
                raise DefinitionError(f"{where}: field 'when.{key}' must list answers among {list(allowed)}")
            when[key] = tuple(values)
        suggest = tuple(raw.get("suggest") or ())
        if any(care_id not in care_ids for care_id in suggest):
            raise DefinitionError(f"{where}: field 'suggest' names unknown care kinds")
        shows = str(raw.get("shows") or "")
        if shows and shows not in SHOWS:
            raise DefinitionError(f"{where}: field 'shows' must be one of {sorted(SHOWS)}")
        filters = _codes(raw.get("filters"), where)
        if not (suggest or filters or shows):
            raise DefinitionError(f"{where}: a rule must suggest care, add filters or show something")
        rules.append(
            Rule(
                id=str(rule_id),
                when=when,
                reason=_text(raw.get("reason"), where, "reason"),
                suggest=suggest,
                filters=filters,
                shows=shows,
                caution=bool(raw.get("caution", False)),
                source=str(raw.get("source") or ""),
            )
        )
    return tuple(rules)


def _read(name: str) -> Any:
    path = DECISION_DIR / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(f"{name}: cannot be read: {exc}") from exc


@cache
def situation() -> Instrument:
    return load_file(DECISION_DIR / "situation.yaml")


@cache
def care_kinds() -> tuple[CareKind, ...]:
    return parse_care(_read("care.yaml"))


@cache
def rules() -> tuple[Rule, ...]:
    return parse_rules(_read("rules.yaml"), situation=situation(), care=care_kinds())


def decide(raw_answers: Mapping[str, Any]) -> Advice:
    """Applies every rule to complete, valid answers (AnswerError otherwise)."""
    answers = clean_answers(situation(), raw_answers)
    fired = tuple(rule for rule in rules() if rule.matches(answers))
    filters = tuple(dict.fromkeys(code for rule in fired for code in rule.filters))
    suggested = {care_id for rule in fired for care_id in rule.suggest}
    # Order of care.yaml (medications first), not the order rules fired in.
    suggestions = tuple(
        Suggestion(
            care=kind,
            reasons=tuple(rule for rule in fired if kind.id in rule.suggest),
            services=tuple(dict.fromkeys(kind.services + filters)),
        )
        for kind in care_kinds()
        if kind.id in suggested
    )
    return Advice(
        answers=dict(answers),
        suggestions=suggestions,
        fired=fired,
        filters=filters,
        shows=frozenset(rule.shows for rule in fired if rule.shows),
    )
