"""The recovery plan's content: one JSON document per saved version (encrypted at rest),
its steps, and the suggestions offered while writing it.

Triggers and coping strategies carry short random ids, so that a coping strategy stays
tied to the triggers it answers, and a check-in's "triggers met" keep their meaning when
a trigger is renamed. Suggestions are data (``data/suggestions.yaml``), each drawn from a
guide article that it links to.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, field_validator

SUGGESTIONS_FILE = Path(__file__).resolve().parent / "data" / "suggestions.yaml"
MAX_TEXT = 500
MAX_ITEMS = 40

TriggerKind = Literal["people", "places", "feelings", "times", "things"]
TRIGGER_KINDS: tuple[tuple[str, Any], ...] = (
    ("people", _("People")),
    ("places", _("Places")),
    ("feelings", _("Feelings")),
    ("times", _("Times")),
    ("things", _("Things")),
)
TRIGGER_KIND_HELP = {
    "people": _("For example: friends I used with, someone I often fight with."),
    "places": _("For example: a street, a house, a part of town."),
    "feelings": _("For example: stress, anger, feeling alone, boredom."),
    "times": _("For example: payday, Friday night, after work."),
    "things": _("For example: money in my pocket, a song, things I used with."),
}


def new_id() -> str:
    return secrets.token_hex(6)


def _clean(text: str) -> str:
    return " ".join(str(text).split())[:MAX_TEXT]


class PlanTrigger(BaseModel):
    id: str = Field(min_length=1, max_length=32)
    kind: TriggerKind
    name: str = Field(min_length=1, max_length=MAX_TEXT)


class PlanStrategy(BaseModel):
    id: str = Field(min_length=1, max_length=32)
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    trigger_ids: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)


class PlanPerson(BaseModel):
    name: str = Field(max_length=MAX_TEXT)
    phone: str = Field(default="", max_length=40)
    role: str = Field(default="", max_length=20)


class PlanContent(BaseModel):
    """Everything a version of the plan holds. People and goals are copies of how they
    were when the version was saved (the current plan page shows them as they are now)."""

    reasons: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    triggers: list[PlanTrigger] = Field(default_factory=list, max_length=MAX_ITEMS)
    warning_signs: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    coping: list[PlanStrategy] = Field(default_factory=list, max_length=MAX_ITEMS)
    people: list[PlanPerson] = Field(default_factory=list, max_length=MAX_ITEMS)
    crisis_steps: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    goals: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)

    @field_validator("reasons", "warning_signs", "crisis_steps", "goals")
    @classmethod
    def _texts(cls, values: list[str]) -> list[str]:
        return unique_lines(values)

    def is_empty(self) -> bool:
        return not any((self.reasons, self.triggers, self.warning_signs, self.coping, self.crisis_steps))

    def trigger(self, trigger_id: str) -> PlanTrigger | None:
        return next((t for t in self.triggers if t.id == trigger_id), None)

    def strategies_for(self, trigger_id: str) -> list[PlanStrategy]:
        return [s for s in self.coping if trigger_id in s.trigger_ids]

    def triggers_by_kind(self) -> list[dict[str, Any]]:
        return [
            {"kind": kind, "label": label, "triggers": [t for t in self.triggers if t.kind == kind]}
            for kind, label in TRIGGER_KINDS
        ]

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str | None) -> PlanContent:
        return cls.model_validate_json(text) if text else cls()


def unique_lines(values: list[str]) -> list[str]:
    """Trimmed, non-empty, each once (case-insensitively), in order."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        text = _clean(value)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


def lines(text: str) -> list[str]:
    """One item per line of a textarea."""
    return unique_lines(str(text or "").splitlines())


# --- Steps of the plan (the guided first plan walks them in this order) -----------------


@dataclass(frozen=True)
class Step:
    key: str
    title: Any
    intro: Any


STEPS = (
    Step("reasons", _("My reasons"), _("Why recovery matters to you. On a hard day, these remind you.")),
    Step(
        "triggers",
        _("My triggers"),
        _("People, places, feelings, times and things that bring up the urge to use. Everyone has them."),
    ),
    Step("signs", _("My warning signs"), _("What you notice in yourself before things get hard.")),
    Step(
        "coping",
        _("What I can do"),
        _("Things that help you ride out an urge. Tie each one to the triggers it helps with."),
    ),
    Step("people", _("People I can call"), _("People you can reach when it gets hard.")),
    Step("crisis", _("If I am in crisis"), _("The steps you will take if you are in danger or might use.")),
)
STEP_KEYS = tuple(step.key for step in STEPS)


def step(key: str) -> Step | None:
    return next((s for s in STEPS if s.key == key), None)


def step_after(key: str) -> str:
    """The next step's key, or "done" after the last."""
    index = STEP_KEYS.index(key)
    return STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else "done"


# --- Suggestions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    id: str
    text: dict[str, str]
    kinds: tuple[str, ...] = ()
    source: str = ""

    def in_language(self, language: str) -> str:
        return self.text.get(language) or self.text["en"]


@cache
def suggestions() -> dict[str, tuple[Suggestion, ...]]:
    """Examples per part of the plan (reasons, triggers, signs, coping), from the data file."""
    data = yaml.safe_load(SUGGESTIONS_FILE.read_text(encoding="utf-8"))
    out: dict[str, tuple[Suggestion, ...]] = {}
    for part, entries in data.items():
        items = []
        for entry in entries:
            text = entry["text"]
            if not isinstance(text, dict) or not text.get("en") or not text.get("es"):
                raise ValueError(f"{SUGGESTIONS_FILE.name}: {part}/{entry.get('id')}: needs 'en' and 'es' text")
            items.append(
                Suggestion(
                    id=str(entry["id"]),
                    text={"en": str(text["en"]), "es": str(text["es"])},
                    kinds=tuple(entry.get("kinds", ())),
                    source=str(entry.get("source", "")),
                )
            )
        out[part] = tuple(items)
    return out


def suggestion(part: str, suggestion_id: str) -> Suggestion | None:
    return next((s for s in suggestions().get(part, ()) if s.id == suggestion_id), None)


def coping_suggestions_for(kinds: set[str]) -> list[Suggestion]:
    """Coping ideas from the guide for these trigger kinds (general ones always)."""
    return [s for s in suggestions()["coping"] if not s.kinds or set(s.kinds) & kinds]
