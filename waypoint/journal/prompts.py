"""Writing prompts: data (``data/prompts.yaml``), in English and Spanish.

A prompt set is chosen on the write page with a POSTed button, never through the URL:
"after a slip" in an address would say too much in a browser's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PROMPTS_FILE = Path(__file__).resolve().parent / "data" / "prompts.yaml"
LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class PromptSet:
    key: str
    title: dict[str, str]
    questions: dict[str, tuple[str, ...]]

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]

    def questions_in(self, language: str) -> tuple[str, ...]:
        return self.questions.get(language) or self.questions["en"]


def load(path: Path = PROMPTS_FILE) -> tuple[PromptSet, ...]:
    """Reads and checks the prompts file: every set has a key, a title and at least one
    question in every language."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a list of prompt sets")
    sets = []
    seen: set[str] = set()
    for item in raw:
        key = str(item["key"])
        if key in seen:
            raise ValueError(f"{path}: prompt set {key!r} appears twice")
        seen.add(key)
        title = {lang: str(item["title"][lang]).strip() for lang in LANGUAGES}
        questions = {lang: tuple(str(q).strip() for q in item["questions"][lang]) for lang in LANGUAGES}
        if not all(title.values()) or not all(questions.values()):
            raise ValueError(f"{path}: prompt set {key!r} needs a title and questions in {LANGUAGES}")
        sets.append(PromptSet(key=key, title=title, questions=questions))
    return tuple(sets)


@cache
def prompt_sets() -> tuple[PromptSet, ...]:
    return load()


def prompt_set(key: str) -> PromptSet | None:
    return next((s for s in prompt_sets() if s.key == key), None)
