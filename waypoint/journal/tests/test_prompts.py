"""Writing prompts are data, in both languages, in plain words."""

from __future__ import annotations

import re

import pytest
import textstat

from waypoint.journal import prompts

WANTED = {"reasons", "gratitude", "after_craving", "after_lapse", "after_meeting"}
# Words that blame or label; prompts never use them.
SHAME = re.compile(r"\b(addict|addicts|junkie|clean|dirty|failure|failed|relapsed|adicto|sucio|limpio|fracaso)\b", re.I)


def test_every_prompt_set_is_there_in_english_and_spanish():
    sets = {s.key: s for s in prompts.load()}
    assert set(sets) == WANTED
    for prompt_set in sets.values():
        for language in ("en", "es"):
            assert prompt_set.title_in(language)
            assert len(prompt_set.questions_in(language)) >= 2
        # The two languages ask the same number of questions.
        assert len(prompt_set.questions["en"]) == len(prompt_set.questions["es"])


def test_the_english_prompts_read_at_grade_8_or_below():
    for prompt_set in prompts.load():
        text = " ".join(prompt_set.questions["en"])
        assert textstat.flesch_kincaid_grade(text) <= 8, prompt_set.key


def test_no_prompt_uses_words_of_shame():
    for prompt_set in prompts.load():
        for language in ("en", "es"):
            for line in (prompt_set.title_in(language), *prompt_set.questions_in(language)):
                assert not SHAME.search(line), line


def test_a_broken_prompts_file_is_refused(tmp_path):
    broken = tmp_path / "prompts.yaml"
    broken.write_text("- key: x\n  title: {en: X, es: ''}\n  questions: {en: [a], es: [b]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a title and questions"):
        prompts.load(broken)
