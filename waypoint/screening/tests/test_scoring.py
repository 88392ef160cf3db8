"""Scoring vectors for every instrument, every band boundary and rejected answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waypoint.screening.engine import AnswerError, score, trend
from waypoint.screening.tests.helpers import answers_for_total, instrument, oud_answers

COWS_BANDS = [
    (0, "none"), (4, "none"), (5, "mild"), (12, "mild"), (13, "moderate"), (24, "moderate"),
    (25, "moderately-severe"), (36, "moderately-severe"), (37, "severe"), (48, "severe"),
]  # fmt: skip


@pytest.mark.parametrize(("total", "band"), COWS_BANDS)
def test_it_puts_cows_totals_in_the_published_bands(total, band):
    cows = instrument("cows")
    result = score(cows, answers_for_total(cows, total))
    assert result.total == total
    assert result.band is not None
    assert result.band.key == band


def test_it_scores_a_hand_made_cows_vector():
    answers = {
        "pulse": 2, "sweating": 1, "restlessness": 3, "pupils": 1, "aches": 2, "runny_nose": 1,
        "gi_upset": 2, "tremor": 1, "yawning": 1, "anxiety": 2, "gooseflesh": 3,
    }  # fmt: skip
    result = score(instrument("cows"), answers)
    assert result.total == 19
    assert result.band.key == "moderate"


@pytest.mark.parametrize(
    ("item", "bad"),
    [
        ("gooseflesh", 1),
        ("gooseflesh", 2),
        ("gooseflesh", 4),
        ("pulse", 3),
        ("restlessness", 2),
        ("pupils", 4),
        ("sweating", 5),
    ],
)
def test_it_rejects_cows_values_the_scale_does_not_allow(item, bad):
    cows = instrument("cows")
    answers = answers_for_total(cows, 0)
    answers[item] = bad
    with pytest.raises(AnswerError) as caught:
        score(cows, answers)
    assert list(caught.value.errors) == [item]


def test_it_allows_exactly_the_published_cows_values():
    cows = instrument("cows")
    allowed = {item.key: item.values for item in cows.items}
    assert allowed == {
        "pulse": (0, 1, 2, 4), "sweating": (0, 1, 2, 3, 4), "restlessness": (0, 1, 3, 5), "pupils": (0, 1, 2, 5),
        "aches": (0, 1, 2, 4), "runny_nose": (0, 1, 2, 4), "gi_upset": (0, 1, 2, 3, 5), "tremor": (0, 1, 2, 4),
        "yawning": (0, 1, 2, 4), "anxiety": (0, 1, 2, 4), "gooseflesh": (0, 3, 5),
    }  # fmt: skip
    assert cows.range == (0, 48)
    assert cows.loinc is None


@pytest.mark.parametrize(("total", "noted"), [(7, False), (8, True)])
def test_it_notes_the_usual_buprenorphine_start_threshold_on_cows(total, noted):
    cows = instrument("cows")
    result = score(cows, answers_for_total(cows, total))
    assert any(note.key == "buprenorphine-start" for note in result.notes) is noted


@pytest.mark.parametrize(
    ("yes", "band"),
    [
        (0, "none"),
        (1, "none"),
        (2, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (5, "moderate"),
        (6, "severe"),
        (11, "severe"),
    ],
)
def test_it_counts_dsm_criteria_into_severity(yes, band):
    result = score(instrument("oud-self-check"), oud_answers(yes))
    assert result.total == yes
    assert result.band.key == band
    assert result.crisis is False


def test_it_does_not_count_tolerance_and_withdrawal_under_medical_supervision():
    definition = instrument("oud-self-check")
    answers = oud_answers(0, tolerance=1, withdrawal=1, craving=1, prescribed_only=1)
    result = score(definition, answers)
    assert result.total == 1
    assert result.band.key == "none"
    assert set(result.excluded) == {"tolerance", "withdrawal"}
    assert result.exclusion_reasons


def test_it_counts_tolerance_and_withdrawal_without_medical_supervision():
    result = score(instrument("oud-self-check"), oud_answers(0, tolerance=1, withdrawal=1, craving=1))
    assert result.total == 3
    assert result.band.key == "mild"
    assert result.excluded == ()


def test_it_flags_thoughts_of_suicide_as_a_crisis_without_changing_the_score():
    result = score(instrument("oud-self-check"), oud_answers(2, suicidal_thoughts=1))
    assert result.crisis is True
    assert result.crisis_kinds == ("suicide",)
    assert result.total == 2


@pytest.mark.parametrize("total", [0, 1, 15, 29, 30])
def test_it_sums_sows_without_bands(total):
    sows = instrument("sows-gossop")
    result = score(sows, answers_for_total(sows, total))
    assert result.total == total
    assert result.band is None
    assert len(sows.items) == 10
    assert sows.range == (0, 30)


def test_it_rejects_a_sows_rating_above_three():
    sows = instrument("sows-gossop")
    answers = answers_for_total(sows, 0)
    answers["yawning"] = 4
    with pytest.raises(AnswerError) as caught:
        score(sows, answers)
    assert "yawning" in caught.value.errors


@pytest.mark.parametrize(
    ("previous", "total", "expected"), [([], 10, None), ([12], 10, "down"), ([8], 10, "up"), ([3, 10], 10, "same")]
)
def test_it_reports_the_trend_against_the_last_total(previous, total, expected):
    assert trend(previous, total) == expected


@pytest.mark.parametrize(("total", "noted"), [(10, False), (46, False), (47, True), (60, True)])
def test_it_notes_barc_totals_of_47_or_more(total, noted):
    barc = instrument("barc-10")
    result = score(barc, answers_for_total(barc, total))
    assert result.total == total
    assert result.band is None
    assert any(note.key == "sustained-remission" for note in result.notes) is noted


def test_it_rejects_barc_ratings_outside_one_to_six():
    barc = instrument("barc-10")
    answers = answers_for_total(barc, 10)
    answers["energy"] = 0
    with pytest.raises(AnswerError) as caught:
        score(barc, answers)
    assert "energy" in caught.value.errors
    assert barc.range == (10, 60)


def test_it_gives_one_safety_step_per_overdose_risk_and_the_general_ones():
    risk = instrument("overdose-risk")
    answers = {item.key: 0 for item in risk.items}
    answers.update(use_alone=1, lost_tolerance=1, no_naloxone=1)
    result = score(risk, answers)
    assert result.total == 3
    assert result.band is None
    assert len(result.steps) == 3 + len(risk.steps_always)
    assert "alone" in result.steps[0]["en"]
    assert result.crisis is False


def test_it_counts_no_risk_when_naloxone_is_at_hand():
    risk = instrument("overdose-risk")
    answers = {item.key: 0 for item in risk.items}
    result = score(risk, answers)
    assert result.total == 0
    assert len(result.steps) == len(risk.steps_always)


@pytest.mark.parametrize(("item", "kind"), [("recent_overdose", "overdose"), ("suicidal_thoughts", "suicide")])
def test_it_flags_danger_now_in_the_overdose_check(item, kind):
    risk = instrument("overdose-risk")
    answers = {i.key: 0 for i in risk.items}
    answers[item] = 1
    result = score(risk, answers)
    assert result.crisis is True
    assert result.crisis_kinds == (kind,)


def test_it_names_every_missing_or_unknown_item():
    sows = instrument("sows-gossop")
    with pytest.raises(AnswerError) as caught:
        score(sows, {"feeling_sick": 1, "not_a_question": 2})
    errors = caught.value.errors
    assert errors["not_a_question"] == "is not a question of this check"
    assert errors["insomnia"] == "needs an answer"
    assert "feeling_sick" not in errors


@pytest.mark.parametrize("bad", [True, None, "", "1.0", 1.5, [1]])
def test_it_rejects_values_that_only_look_allowed(bad):
    sows = instrument("sows-gossop")
    answers = answers_for_total(sows, 0)
    answers["aches"] = bad
    with pytest.raises(AnswerError):
        score(sows, answers)


def test_it_accepts_form_strings_for_numeric_values():
    sows = instrument("sows-gossop")
    answers = {key: "2" for key in sows.keys}
    assert score(sows, answers).total == 20


@given(
    data=st.data(), instrument_id=st.sampled_from(["oud-self-check", "sows-gossop", "cows", "barc-10", "overdose-risk"])
)
@settings(max_examples=200, deadline=None)
def test_it_always_scores_the_sum_of_counted_answers_within_range(data, instrument_id):
    definition = instrument(instrument_id)
    answers = {item.key: data.draw(st.sampled_from(item.values)) for item in definition.items}
    result = score(definition, answers)
    low, high = definition.range
    assert low <= result.total <= high
    assert result.total == sum(result.counted.values())
    if definition.bands:
        assert result.band.min <= result.total <= result.band.max
    assert result.crisis == any(answers[i.key] in i.crisis_values for i in definition.items)
