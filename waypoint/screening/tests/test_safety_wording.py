"""Wording that keeps people safe (issue 16): a low overdose-risk count never reads as
"safe" (page, printable summary, PDF and API), danger answers put the crisis line and the
emergency number first, COWS is for health workers and sends a helper to the prescriber,
and the SOWS item set says it is adapted."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from waypoint.core import helplines
from waypoint.core.tests.test_helplines import REORDERED
from waypoint.screening.engine import get_instrument, score
from waypoint.screening.pdf import crisis_help_text, result_pdf
from waypoint.screening.tests.helpers import answers_for_total, instrument, oud_answers, situation
from waypoint.screening.tests.test_fhir_pdf import _pdf_text

LOW_COUNT = {
    "en": "A low count, even 0, never means that using is safe.",
    "es": "Un número bajo, incluso 0, nunca quiere decir que consumir sea seguro.",
}


def _no_risks() -> dict[str, int]:
    return {item.key: 0 for item in instrument("overdose-risk").items}


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_it_says_a_low_count_is_not_safe_on_the_result_page_and_the_summary(client, language):
    for path in (f"/{language}/check/overdose-risk/", f"/{language}/check/overdose-risk/summary/"):
        html = client.post(path, _no_risks()).content.decode()
        assert 'data-testid="total">0<' in html
        note = html.index(LOW_COUNT[language])
        # In the score card, next to the total, not hidden further down the page.
        assert html.index('data-testid="score"') < note < html.index("</section>", html.index('data-testid="score"'))


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_says_a_low_count_is_not_safe_in_the_pdf(language):
    result = score(instrument("overdose-risk"), _no_risks())
    assert result.total == 0
    assert _squeezed(LOW_COUNT[language]) in _squeezed(_pdf_text(result_pdf(result, language=language)))


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_says_a_low_count_is_not_safe_in_the_api(client, language):
    body = client.post(
        f"/api/v1/instruments/overdose-risk/score?lang={language}",
        {"answers": _no_risks()},
        content_type="application/json",
    ).json()
    assert body["total"] == 0
    assert body["band"] is None
    notes = {note["key"]: note["text"] for note in body["notes"]}
    assert LOW_COUNT[language] in notes["not-a-safety-score"]


def test_it_says_so_at_every_total_not_only_at_zero():
    risk = instrument("overdose-risk")
    for total in range(risk.range[0], risk.range[1] + 1):
        result = score(risk, answers_for_total(risk, total))
        assert [note.key for note in result.notes] == ["not-a-safety-score"]


def test_it_lists_the_crisis_line_then_911_in_the_api(client):
    body = client.post(
        "/api/v1/instruments/oud-self-check/score",
        {"answers": oud_answers(1, suicidal_thoughts=1)},
        content_type="application/json",
    ).json()
    assert [line["number"] for line in body["crisis_help"]] == ["988", "911"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/check/oud-self-check/", "/en/check/oud-self-check/summary/"])
def test_it_puts_988_and_911_before_the_treatment_helpline_on_the_page_and_summary(client, path):
    html = client.post(path, oud_answers(1, suicidal_thoughts=1)).content.decode()
    crisis, emergency = html.index('href="tel:988"'), html.index('href="tel:911"')
    assert crisis < emergency < html.index('data-testid="score"')
    # The treatment helpline is offered too, but after the crisis help.
    assert emergency < html.index('href="tel:+18006624357"')


def test_it_labels_cows_for_health_workers_and_sends_helpers_to_the_prescriber():
    cows = instrument("cows")
    assert cows.audience == "clinician"
    assert "health workers" in cows.title["en"]
    assert "helper" not in cows.title["en"]
    assert "personal de salud" in cows.title["es"]
    assert "only the prescriber decides" in cows.intro["en"]
    result = score(cows, answers_for_total(cows, 8))
    note = result.notes[0].meaning
    assert "not a go-ahead" in note["en"]
    assert "ask before any dose" in note["en"]
    assert "pregunte antes de tomar cualquier dosis" in note["es"]


def test_it_labels_the_sows_item_set_as_adapted_in_both_languages():
    sows = instrument("sows-gossop")
    assert "adapted" in sows.title["en"]
    assert "adaptada" in sows.title["es"]
    assert "not the published form" in sows.licence["en"]
    assert "no es la versión publicada" in sows.licence["es"]
    assert sows.window == {"en": "Right now", "es": "Ahora mismo"}
    assert sows.source["en"].startswith("Adapted from Gossop M.")


def test_it_uses_ansias_for_cravings_and_desliz_for_a_slip_in_the_spanish_checks():
    craving = instrument("oud-self-check").item("craving").text["es"]
    assert "antojo" not in craving.lower()
    assert "ansias" in craving
    assert "desliz" in instrument("barc-10").intro["es"]
    assert "recaída" not in instrument("barc-10").intro["es"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "reason"),
    [("en", "Stopping them suddenly can cause seizures"), ("es", "Dejarlos de golpe puede causar convulsiones")],
)
def test_it_shows_medically_managed_withdrawal_and_the_mixing_warning_on_the_advice_page(client, language, reason):
    html = client.post(f"/{language}/check/which-care/", situation(alcohol_or_benzos="daily")).content.decode()
    card = html.index('data-testid="care-medically_managed_withdrawal"')
    assert reason in html[card:]
    assert 'class="caution"' in html[card:]
    assert 'data-testid="mixing-risk"' in html
    # Medication is still offered before it.
    assert html.index('data-testid="care-buprenorphine"') < card


@pytest.mark.django_db
def test_it_shows_no_detox_card_for_strong_withdrawal_in_pregnancy_on_the_page(client):
    html = client.post("/en/check/which-care/", situation(pregnant="yes", withdrawal="strong")).content.decode()
    assert 'data-testid="care-withdrawal_care"' not in html
    assert html.index('data-testid="care-buprenorphine"') < html.index('data-testid="care-pregnancy_care"')
    naltrexone = html.index('data-testid="care-naltrexone"')
    card = html[naltrexone : html.index('data-testid="care-', naltrexone + 1)]
    assert "Naltrexone is not usually started during pregnancy" in card


# --- Helplines chosen by role, whatever order an operator's file uses (issue 16, item 6) ---


@pytest.fixture
def reordered_helplines(tmp_path):
    path = tmp_path / "own.yaml"
    path.write_text(REORDERED, encoding="utf-8")
    helplines._load.cache_clear()
    with override_settings(HELPLINES_FILE=str(path)):
        yield
    helplines._load.cache_clear()


@pytest.mark.django_db
def test_it_puts_the_operators_crisis_line_in_the_crisis_banner(reordered_helplines, client):
    answers = {key: 0 for key in get_instrument("overdose-risk").keys} | {"suicidal_thoughts": 1}
    html = client.post("/en/check/overdose-risk/", answers).content.decode()
    banner = html[
        html.index('data-testid="crisis-help"') : html.index("</section>", html.index('data-testid="crisis-help"'))
    ]
    assert 'href="tel:988"' in banner
    assert 'href="tel:911"' in banner
    assert "+18002221222" not in banner
    assert "+18006624357" not in banner


def test_it_puts_the_operators_crisis_line_first_in_the_api_and_the_pdf(reordered_helplines, client):
    answers = {key: 0 for key in get_instrument("overdose-risk").keys} | {"suicidal_thoughts": 1}
    body = client.post(
        "/api/v1/instruments/overdose-risk/score", {"answers": answers}, content_type="application/json"
    ).json()
    text = crisis_help_text(helplines.helplines_for("en"))
    assert score(get_instrument("overdose-risk"), answers).crisis
    assert [line["number"] for line in body["crisis_help"]] == ["988", "911"]
    assert text.index("988") < text.index("911") < text.index("1-800-662-4357")
    assert "741741" not in text
    assert "1-800-222-1222" not in text
