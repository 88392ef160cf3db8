"""Plain, person-first words in both apps (grade 8 or below; none of the words that shame),
in English and in Spanish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [ROOT / app / "locale" / "es" / "LC_MESSAGES" / "django.po" for app in ("availability", "handoff")]
SHAMING = re.compile(r"\b(addicts?|abusers?|junkies?|dirty|clean|drug abuse|adicto|drogadicto|limpio|sucio)\b", re.I)


def _messages() -> list[tuple[str, str]]:
    found = []
    for path in CATALOGUES:
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id:
                    ids = message.id if isinstance(message.id, tuple) else (message.id,)
                    strings = message.string if isinstance(message.string, tuple) else (message.string,)
                    found += [(i, s) for i, s in zip(ids, strings, strict=False)]
    return found


def _words(text: str) -> str:
    return re.sub(r"%\((\w+)\)s", r"\1", re.sub(r"<[^>]+>", "", text))


@pytest.mark.parametrize("message", [m for m, _ in _messages() if len(m.split()) >= 6], ids=lambda m: m[:40])
def test_each_sentence_reads_at_grade_8_or_below(message):
    assert textstat.flesch_kincaid_grade(_words(message)) <= 8


def test_no_word_that_shames_in_either_language():
    hits = [text for pair in _messages() for text in pair if SHAMING.search(text)]
    assert hits == []
