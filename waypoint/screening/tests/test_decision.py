"""The decision aid: every rule, medication always first, locator links, rule checks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from django.utils import translation

from waypoint.screening.decision import (
    DECISION_DIR,
    care_kinds,
    decide,
    locator_url,
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
    "pregnancy": ({"pregnant": "yes"}, {"pregnancy_care", "methadone", "buprenorphine"}, {"PW"}),
    "strong-withdrawal": ({"withdrawal": "strong"}, {"withdrawal_care", "hospital"}, set()),
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
    advice = decide(answers(using_now="stopped_week_or_more", withdrawal="none"))
    assert advice.fired_ids == ("medication-first-line", "lost-tolerance-warning")
    assert advice.filters == ()


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


def test_it_links_each_suggestion_to_the_locator_with_its_codes():
    with translation.override("es"):
        advice = decide(answers(insurance="medicaid", spanish="yes"))
        methadone = next(s for s in advice.suggestions if s.care.id == "methadone")
        url = locator_url(methadone.services)
    parts = urlsplit(url)
    assert parts.path == "/es/treatment/"
    assert parse_qs(parts.query)["service"] == ["MU", "OTP", "MD", "SP"]


def test_it_adds_a_place_to_the_locator_link():
    with translation.override("en"):
        url = locator_url(["BU"], near="Denver, CO")
    assert parse_qs(urlsplit(url).query) == {"service": ["BU"], "near": ["Denver, CO"]}


def test_it_rejects_incomplete_situations():
    incomplete = answers()
    del incomplete["housing"]
    with pytest.raises(AnswerError) as caught:
        decide(incomplete)
    assert list(caught.value.errors) == ["housing"]


def test_it_checks_rules_against_the_questions_and_care_kinds():
    data = yaml.safe_load((DECISION_DIR / "rules.yaml").read_text(encoding="utf-8"))
    data["rules"][2]["when"] = {"pregnant": ["perhaps"]}
    with pytest.raises(DefinitionError, match=r"rule 3 \(pregnancy\): field 'when.pregnant'"):
        parse_rules(data, situation=situation(), care=care_kinds())
    data = yaml.safe_load((DECISION_DIR / "rules.yaml").read_text(encoding="utf-8"))
    data["rules"][0]["suggest"] = ["hypnosis"]
    with pytest.raises(DefinitionError, match="unknown care kinds"):
        parse_rules(data, situation=situation(), care=care_kinds())
    data = yaml.safe_load((DECISION_DIR / "rules.yaml").read_text(encoding="utf-8"))
    data["rules"][12]["filters"] = ["XX"]
    with pytest.raises(DefinitionError, match="unknown service code"):
        parse_rules(data, situation=situation(), care=care_kinds())
