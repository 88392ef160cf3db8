"""The decision aid: every rule, medication always first, locator links, rule checks."""

from __future__ import annotations

import pytest
import yaml

from waypoint.screening.decision import (
    DECISION_DIR,
    care_kinds,
    decide,
    parse_rules,
    rules,
    situation,
)
from waypoint.screening.engine import AnswerError, DefinitionError
from waypoint.screening.tests.helpers import situation as answers

# For every rule: a situation that fires it, care it must suggest, filters it must add.
RULE_CASES = {
    "medication-first-line": ({}, {"buprenorphine", "methadone", "naltrexone"}, set()),
    "naltrexone-needs-opioid-free-days": ({"using_now": "stopped_recently"}, {"naltrexone"}, set()),
    "naltrexone-timing-borderline": ({"using_now": "stopped_week_or_more"}, {"naltrexone"}, set()),
    "co-use-medically-managed-withdrawal": ({"alcohol_or_benzos": "daily"}, {"medically_managed_withdrawal"}, set()),
    "mixing-raises-overdose-risk": ({"alcohol_or_benzos": "sometimes"}, set(), set()),
    "naltrexone-in-pregnancy": ({"pregnant": "yes"}, {"naltrexone"}, set()),
    "pregnancy": ({"pregnant": "yes"}, {"pregnancy_care", "methadone", "buprenorphine"}, {"PW"}),
    "strong-withdrawal": ({"withdrawal": "strong"}, {"withdrawal_care", "hospital"}, set()),
    "strong-withdrawal-in-pregnancy": (
        {"withdrawal": "strong", "pregnant": "yes"},
        {"methadone", "buprenorphine", "pregnancy_care"},
        {"PW"},
    ),
    "keep-working-or-caring": ({"work_or_children": "yes"}, {"outpatient", "buprenorphine"}, set()),
    "unstable-housing": ({"housing": "no"}, {"residential"}, set()),
    "past-treatment-without-medication": ({"past_treatment": "without_medication"}, {"intensive_outpatient"}, set()),
    "mental-health": ({"mental_health": "yes"}, {"co_occurring"}, set()),
    "no-transport": ({"transport": "no"}, {"telehealth", "buprenorphine"}, set()),
    "prefers-no-medication": ({"medication_feelings": "prefer_not"}, {"outpatient", "naltrexone"}, set()),
    "under-18": ({"age": "under_18"}, {"adolescent_care"}, {"AD"}),
    "legal-involvement": ({"legal": "yes"}, {"justice_care"}, set()),
    "pays-with-medicaid": ({"insurance": "medicaid"}, set(), {"MD"}),
    "pays-with-medicare": ({"insurance": "medicare"}, set(), {"MC"}),
    "pays-with-private-insurance": ({"insurance": "private"}, set(), {"PI"}),
    "no-insurance": ({"insurance": "none"}, set(), {"SS"}),
    "spanish-speaking-staff": ({"spanish": "yes"}, set(), {"SP"}),
    "safety-plan-while-using": ({"using_now": "using"}, set(), set()),
    "lost-tolerance-warning": ({"using_now": "stopped_week_or_more"}, set(), set()),
}


def test_it_has_a_test_case_for_every_rule():
    assert set(RULE_CASES) == {rule.id for rule in rules()}


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_it_fires_each_rule_with_its_suggestions_and_filters(rule_id):
    changes, care, filters = RULE_CASES[rule_id]
    advice = decide(answers(**changes))
    assert rule_id in advice.fired_ids
    suggested = {s.care.id for s in advice.suggestions}
    assert care <= suggested
    assert filters <= set(advice.filters)
    for suggestion in advice.suggestions:
        assert filters <= set(suggestion.services)
        assert suggestion.reasons, suggestion.care.id


def test_it_does_not_fire_conditional_rules_for_a_plain_situation():
    advice = decide(answers(using_now="stopped_recently", withdrawal="none"))
    assert advice.fired_ids == (
        "medication-first-line", "naltrexone-needs-opioid-free-days", "lost-tolerance-warning",
    )  # fmt: skip
    assert advice.filters == ()


def _reasons(advice, care_id: str) -> list:
    return next(s.reasons for s in advice.suggestions if s.care.id == care_id)


# --- Alcohol and benzodiazepines (issue 16, item 1) ----------------------------------------


def test_it_suggests_medically_managed_withdrawal_for_daily_alcohol_or_benzos_with_its_reason():
    advice = decide(answers(alcohol_or_benzos="daily"))
    assert "co-use-medically-managed-withdrawal" in advice.fired_ids
    reasons = _reasons(advice, "medically_managed_withdrawal")
    assert [rule.id for rule in reasons] == ["co-use-medically-managed-withdrawal"]
    assert reasons[0].caution
    assert "seizures" in reasons[0].reason["en"]
    assert "can kill" in reasons[0].reason["en"]
    assert "convulsiones" in reasons[0].reason["es"]
    assert "puede matar" in reasons[0].reason["es"]
    assert "overdose" in reasons[0].reason["en"]
    assert reasons[0].source
    # Medication still comes first: co-use is no reason to withhold methadone or buprenorphine.
    assert [s.care.id for s in advice.suggestions[:3]] == ["buprenorphine", "methadone", "naltrexone"]
    assert "mixing_risk" in advice.shows


def test_it_warns_about_mixing_but_not_about_stopping_when_use_is_occasional():
    advice = decide(answers(alcohol_or_benzos="sometimes"))
    assert "mixing_risk" in advice.shows
    assert "medically_managed_withdrawal" not in {s.care.id for s in advice.suggestions}
    plain = decide(answers(alcohol_or_benzos="no"))
    assert "mixing_risk" not in plain.shows
    assert "co-use-medically-managed-withdrawal" not in plain.fired_ids


def test_it_sends_medically_managed_withdrawal_to_hospital_detox_in_the_locator():
    kind = next(kind for kind in care_kinds() if kind.id == "medically_managed_withdrawal")
    assert set(kind.services) == {"DT", "HI"}
    assert kind.guide == "detox-and-withdrawal"


# --- Pregnancy (issue 16, item 3) ------------------------------------------------------------


@pytest.mark.parametrize("using_now", ["using", "stopped_recently", "stopped_week_or_more"])
@pytest.mark.parametrize("withdrawal", ["none", "mild", "strong", "not_sure"])
def test_it_never_suggests_naltrexone_in_pregnancy_without_a_pregnancy_caution(using_now, withdrawal):
    advice = decide(answers(pregnant="yes", using_now=using_now, withdrawal=withdrawal))
    reasons = _reasons(advice, "naltrexone")
    pregnancy = [rule for rule in reasons if rule.id == "naltrexone-in-pregnancy"]
    assert pregnancy
    assert pregnancy[0].caution
    assert "pregnancy" in pregnancy[0].reason["en"]
    assert "embarazo" in pregnancy[0].reason["es"]


def test_it_does_not_add_the_pregnancy_caution_when_not_pregnant():
    advice = decide(answers(pregnant="no"))
    assert "naltrexone-in-pregnancy" not in advice.fired_ids


@pytest.mark.parametrize("using_now", ["using", "stopped_recently"])
def test_it_puts_methadone_or_buprenorphine_first_and_no_detox_for_strong_withdrawal_in_pregnancy(using_now):
    advice = decide(answers(pregnant="yes", withdrawal="strong", using_now=using_now))
    suggested = [s.care.id for s in advice.suggestions]
    assert set(suggested[:2]) == {"buprenorphine", "methadone"}
    assert "withdrawal_care" not in suggested
    assert "strong-withdrawal" not in advice.fired_ids
    assert "strong-withdrawal-in-pregnancy" in advice.fired_ids
    for care_id in ("methadone", "buprenorphine"):
        assert "strong-withdrawal-in-pregnancy" in [rule.id for rule in _reasons(advice, care_id)]


def test_it_still_offers_withdrawal_care_for_strong_withdrawal_outside_pregnancy():
    advice = decide(answers(pregnant="no", withdrawal="strong"))
    assert "withdrawal_care" in [s.care.id for s in advice.suggestions]


# --- Naltrexone timing (issue 16, item 9) ----------------------------------------------------


def test_it_calls_a_week_without_opioids_borderline_for_naltrexone():
    advice = decide(answers(using_now="stopped_week_or_more"))
    borderline = [rule for rule in _reasons(advice, "naltrexone") if rule.id == "naltrexone-timing-borderline"]
    assert borderline
    assert borderline[0].caution
    text = borderline[0].reason["en"]
    assert "7 to 10 days" in text
    assert "2 weeks" in text
    assert "methadone" in text
    assert "2 semanas" in borderline[0].reason["es"]


def test_it_always_lists_the_three_medications_first():
    everything = answers(
        pregnant="yes", housing="no", mental_health="yes", transport="no", medication_feelings="prefer_not",
        age="under_18", legal="yes", withdrawal="strong",
    )  # fmt: skip
    for situation_answers in (answers(), everything, answers(medication_feelings="prefer_not")):
        advice = decide(situation_answers)
        assert [s.care.id for s in advice.suggestions[:3]] == ["buprenorphine", "methadone", "naltrexone"]


def test_it_sends_methadone_only_to_opioid_treatment_programs():
    methadone = next(kind for kind in care_kinds() if kind.id == "methadone")
    assert set(methadone.services) == {"MU", "OTP"}
    assert "OTP" in methadone.where["en"]


def test_it_says_naltrexone_needs_seven_to_ten_opioid_free_days():
    naltrexone = next(kind for kind in care_kinds() if kind.id == "naltrexone")
    assert "7 to 10 days" in naltrexone.tradeoffs["en"]
    assert "7 a 10 días" in naltrexone.tradeoffs["es"]
    # ...and longer after methadone or buprenorphine (FDA label: up to two weeks).
    assert "2 weeks after methadone or buprenorphine" in naltrexone.tradeoffs["en"]
    assert "pregnancy" in naltrexone.tradeoffs["en"]


def test_it_does_not_make_72_hours_after_fentanyl_sound_like_the_rule():
    buprenorphine = next(kind for kind in care_kinds() if kind.id == "buprenorphine")
    for language in ("en", "es"):
        assert "72" not in buprenorphine.tradeoffs[language]
    text = buprenorphine.tradeoffs["en"]
    assert "low-dose" in text
    assert "high-dose" in text
    assert "home start" in text
    assert "call your prescriber" in text
    assert "More buprenorphine usually treats it" in text
    assert "Brixadi" in buprenorphine.how_often["en"]
    assert "Sublocade" in buprenorphine.how_often["en"]


def test_it_dates_the_telehealth_rules_and_says_they_may_change():
    telehealth = next(kind for kind in care_kinds() if kind.id == "telehealth")
    assert "31 December 2026" in telehealth.what["en"]
    assert "may change" in telehealth.what["en"]
    assert "31 de diciembre de 2026" in telehealth.what["es"]


def test_it_uses_ansias_not_antojos_for_cravings_in_spanish():
    for name in ("care.yaml", "rules.yaml", "situation.yaml"):
        assert "antojo" not in (DECISION_DIR / name).read_text(encoding="utf-8").lower()


def test_it_keeps_the_sordo_numbers_exact():
    by_id = {kind.id: kind for kind in care_kinds()}
    assert "11.3" in by_id["methadone"].mortality["en"]
    assert "36.1" in by_id["methadone"].mortality["en"]
    assert "2.6 vs 12.7" in by_id["methadone"].mortality["en"]
    assert "4.3" in by_id["buprenorphine"].mortality["en"]
    assert "9.5" in by_id["buprenorphine"].mortality["en"]
    assert "1.4 vs 4.6" in by_id["buprenorphine"].mortality["en"]


def test_it_never_calls_a_suggestion_an_asam_placement():
    for name in ("care.yaml", "rules.yaml", "situation.yaml"):
        assert "placement" not in (DECISION_DIR / name).read_text(encoding="utf-8").lower().replace(
            'never an "asam placement"', ""
        )


def test_it_rejects_incomplete_situations():
    incomplete = answers()
    del incomplete["housing"]
    with pytest.raises(AnswerError) as caught:
        decide(incomplete)
    assert list(caught.value.errors) == ["housing"]


def _rules_data() -> tuple[dict, dict[str, int]]:
    data = yaml.safe_load((DECISION_DIR / "rules.yaml").read_text(encoding="utf-8"))
    return data, {rule["id"]: index for index, rule in enumerate(data["rules"])}


def test_it_checks_rules_against_the_questions_and_care_kinds():
    data, index = _rules_data()
    data["rules"][index["pregnancy"]]["when"] = {"pregnant": ["perhaps"]}
    number = index["pregnancy"] + 1
    with pytest.raises(DefinitionError, match=rf"rule {number} \(pregnancy\): field 'when.pregnant'"):
        parse_rules(data, situation=situation(), care=care_kinds())
    data, index = _rules_data()
    data["rules"][0]["suggest"] = ["hypnosis"]
    with pytest.raises(DefinitionError, match="unknown care kinds"):
        parse_rules(data, situation=situation(), care=care_kinds())
    data, index = _rules_data()
    data["rules"][index["pays-with-medicaid"]]["filters"] = ["XX"]
    with pytest.raises(DefinitionError, match="unknown service code"):
        parse_rules(data, situation=situation(), care=care_kinds())
    data, index = _rules_data()
    data["rules"][index["mixing-raises-overdose-risk"]]["shows"] = "fireworks"
    with pytest.raises(DefinitionError, match="field 'shows' must be one of"):
        parse_rules(data, situation=situation(), care=care_kinds())
