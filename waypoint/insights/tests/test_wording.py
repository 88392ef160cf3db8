"""What the person reads, in English and Spanish: each kind of finding, its uncertainty,
plain words (grade 8 or below) and no blame."""

from __future__ import annotations

import re

import pytest
import textstat
from django.utils import translation

from waypoint.insights.analysis import Finding
from waypoint.insights.warning import WEIGHTS, Signal
from waypoint.insights.wording import half, insight_text, signal_detail, signal_label

KINDS = [
    ("weekday", "friday", "craving"),
    ("time_of_day", "evening", "craving"),
    ("trigger", "payday", "craving"),
    ("sleep", "sleep_under_6h", "next_day_craving"),
    ("mood", "mood_2_or_less", "craving"),
    ("meeting", "meeting", "craving"),
    ("therapy", "therapy", "craving"),
    ("medication", "medication_missed", "craving"),
    ("stress", "stress_7_or_more", "craving"),
    ("pain", "pain_7_or_more", "craving"),
]
BLAME = re.compile(r"\b(addict|abuser?|clean|dirty|fail(ed|ure)?|relapsed|should|must)\b", re.I)


def finding(kind: str, factor: str, outcome: str, effect: float = 2.04, **extra: object) -> Finding:
    values = {
        "kind": kind, "factor": factor, "outcome": outcome, "label": "Payday" if kind == "trigger" else "",
        "effect": effect, "low": effect - 1.1 if effect > 0 else effect - 0.9,
        "high": effect + 0.9 if effect > 0 else effect + 1.1, "n": 41, "n_exposed": 12, "n_other": 29,
        "mean_exposed": 5.0, "mean_other": 3.0, "p": 0.001, "q": 0.01, "shown": True,
    }  # fmt: skip
    values.update(extra)
    return Finding(**values)  # type: ignore[arg-type]


def test_the_issue_example_reads_as_promised():
    text = insight_text(finding("sleep", "sleep_under_6h", "next_day_craving"))
    assert text == (
        "On nights you sleep under 6 hours, your craving the next day is about 2 points higher. "
        "The difference is likely 1 to 3 points, based on 41 days."
    )


def test_it_says_lower_when_the_effect_is_below_zero():
    text = insight_text(finding("meeting", "meeting", "craving", effect=-1.6))
    assert text.startswith("On days you go to a meeting, your craving is about 1.5 points lower")
    assert "likely 0.5 to 2.5 points" in text


def test_a_range_that_touches_zero_starts_at_zero():
    text = insight_text(finding("mood", "mood_2_or_less", "craving", effect=1.0, low=-0.1, high=2.1))
    assert "likely 0 to 2 points" in text


def test_use_findings_give_the_counts():
    text = insight_text(
        finding("trigger", "payday", "use", effect=0.2, n_exposed=10, n_other=90, mean_exposed=0.3, mean_other=0.1)
    )
    assert text == "On days with “Payday”, you used on 3 of 10 days. On other days, it was 9 of 90 days."


def test_weekdays_and_times_of_day_are_named():
    assert insight_text(finding("weekday", "friday", "craving")).startswith("On Fridays, your craving")
    assert "in the evening (5 pm to 10 pm)" in insight_text(finding("time_of_day", "evening", "craving"))


@pytest.mark.parametrize(("kind", "factor", "outcome"), KINDS)
@pytest.mark.parametrize("effect", [2.0, -2.0])
def test_every_kind_reads_plainly_in_english(kind, factor, outcome, effect):
    text = insight_text(finding(kind, factor, outcome, effect=effect))
    assert "%(" not in text
    assert "based on 41 days" in text
    assert not BLAME.search(text)
    assert textstat.flesch_kincaid_grade(text) <= 8, text


@pytest.mark.parametrize(("kind", "factor", "outcome"), [*KINDS, ("trigger", "payday", "use")])
def test_every_kind_has_its_spanish(kind, factor, outcome):
    english = insight_text(finding(kind, factor, outcome, effect=1.5))
    with translation.override("es"):
        spanish = insight_text(finding(kind, factor, outcome, effect=1.5))
    assert spanish != english
    assert "%(" not in spanish
    assert not re.search(r"\b(craving|days|points|likely|based on|higher|lower|difference)\b", spanish), spanish
    if outcome != "use":
        assert "1,5 puntos" in spanish
        assert "según 41 días" in spanish
        assert "deseo de consumir" in spanish


def test_spanish_sentences_start_with_a_capital():
    with translation.override("es"):
        text = insight_text(finding("weekday", "friday", "craving"))
    assert text.startswith("Los viernes, su deseo de consumir es unos 2 puntos más alto")


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_warning_signal_has_a_label_and_a_detail(language):
    with translation.override(language):
        for name in WEIGHTS:
            label = signal_label(name)
            assert label
            seen = signal_detail(Signal(name=name, points=3.0, weight=WEIGHTS[name], value=0.6, usual=0.2))
            none = signal_detail(Signal(name=name, points=0.0, weight=WEIGHTS[name], value=None, usual=None))
            assert seen
            assert none
            assert seen != none
            assert "%(" not in seen
            if language == "en":
                assert textstat.flesch_kincaid_grade(f"{label}: {seen}.") <= 8


def test_numbers_are_rounded_to_half_points():
    assert [half(v) for v in (2.04, 1.3, 1.74, 0.2, -1.6)] == [2.0, 1.5, 1.5, 0.0, 1.5]
