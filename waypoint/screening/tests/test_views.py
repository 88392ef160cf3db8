"""Self-check pages: forms, results (crisis first, no-store), downloads, privacy."""

from __future__ import annotations

import json
import logging
import re

import pytest
from fhir.resources.R4B.bundle import Bundle

from waypoint.core.tests.personas import UserFactory
from waypoint.screening.engine import PUBLISHED
from waypoint.screening.models import SavedResult
from waypoint.screening.tests.helpers import answers_for_total, instrument, oud_answers
from waypoint.screening.tests.helpers import situation as situation_answers

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_lists_every_self_check_on_the_index(client, language):
    response = client.get(f"/{language}/check/")
    assert response.status_code == 200
    html = _html(response)
    for instrument_id in PUBLISHED:
        assert f'href="/{language}/check/{instrument_id}/"' in html
    assert f'href="/{language}/check/which-care/"' in html


def test_it_draws_one_fieldset_of_radio_buttons_per_question(client):
    html = _html(client.get("/en/check/cows/"))
    assert '<form method="post" action="/en/check/cows/"' in html
    assert html.count("<fieldset") == 11
    gooseflesh = re.findall(r'name="gooseflesh" value="(\d+)"', html)
    assert gooseflesh == ["0", "3", "5"]
    assert 'class="choice"' in html


def test_it_shows_the_spanish_questions(client):
    html = _html(client.get("/es/check/oud-self-check/"))
    assert "¿Con frecuencia consumió más opioides" in html
    assert "Esto no es un diagnóstico" in html


def test_it_scores_a_posted_self_check_and_sends_no_store(client):
    response = client.post("/en/check/oud-self-check/", oud_answers(4))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = _html(response)
    assert 'data-testid="total">4<' in html
    assert "Signs of a moderate problem (4–5)" in html
    assert "This is not a diagnosis." in html
    assert 'data-testid="crisis-help"' not in html
    assert SavedResult.objects.count() == 0


def test_it_puts_crisis_help_before_the_score(client):
    html = _html(client.post("/en/check/oud-self-check/", oud_answers(7, suicidal_thoughts=1)))
    crisis = html.index('data-testid="crisis-help"')
    assert crisis < html.index('data-testid="total"')
    assert 'href="tel:988"' in html[crisis : html.index('data-testid="total"')]
    assert 'href="tel:911"' in html[crisis : html.index('data-testid="total"')]


def test_it_puts_overdose_crisis_help_first_in_spanish(client):
    risk = instrument("overdose-risk")
    answers = {item.key: 0 for item in risk.items} | {"recent_overdose": 1}
    html = _html(client.post("/es/check/overdose-risk/", answers))
    assert html.index('data-testid="crisis-help"') < html.index('data-testid="score"')
    assert "Emergencia: llame al 911" in html


def test_it_shows_missing_answers_by_name_and_keeps_the_given_ones(client):
    answers = answers_for_total(instrument("sows-gossop"), 6)
    del answers["insomnia"]
    response = client.post("/en/check/sows-gossop/", answers)
    assert response.status_code == 400
    html = _html(response)
    assert 'data-testid="error-summary"' in html
    assert 'href="#field-insomnia"' in html
    assert 'id="err-insomnia"' in html
    assert re.search(r'name="feeling_sick" value="{}" checked'.format(answers["feeling_sick"]), html)


def test_it_refuses_a_gooseflesh_score_of_one_on_the_page(client):
    answers = answers_for_total(instrument("cows"), 0) | {"gooseflesh": 1}
    response = client.post("/en/check/cows/", answers)
    assert response.status_code == 400
    assert 'id="err-gooseflesh"' in _html(response)


def test_it_answers_404_for_an_unknown_check(client):
    assert client.get("/en/check/dast-10/").status_code == 404


def test_it_carries_the_sows_history_for_a_trend(client):
    answers = answers_for_total(instrument("sows-gossop"), 8)
    html = _html(client.post("/en/check/sows-gossop/", {**answers, "history": "15,12"}))
    assert 'data-testid="trend"' in html
    assert "Lower than last time" in html
    assert 'name="history" value="15,12,8"' in html
    again = _html(client.post("/en/check/sows-gossop/", {"start": "1", "history": "15,12,8"}))
    assert 'name="history" value="15,12,8"' in again
    assert 'data-testid="error-summary"' not in again


def test_it_keeps_answers_out_of_every_url_on_the_result_page(client):
    html = _html(client.post("/en/check/oud-self-check/", oud_answers(3)))
    for url in re.findall(r'(?:href|action|formaction)="([^"]+)"', html):
        assert "craving" not in url
        assert "more_than_intended" not in url
    assert '<form method="post" action="/en/check/oud-self-check/summary/"' in html


@pytest.mark.parametrize("action", ["summary", "pdf", "fhir", "save"])
def test_it_only_takes_downloads_by_post(client, action):
    assert client.get(f"/en/check/cows/{action}/").status_code == 405


def test_it_downloads_a_pdf_with_the_total(client):
    response = client.post("/en/check/cows/pdf/", answers_for_total(instrument("cows"), 25))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


def test_it_downloads_a_fhir_bundle_that_validates(client):
    response = client.post("/es/check/barc-10/fhir/", answers_for_total(instrument("barc-10"), 50))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(json.loads(response.content))
    answers = {item.linkId: item.answer[0] for item in bundle.entry[1].resource.item}
    assert answers["total"].valueInteger == 50


def test_it_shows_a_printable_summary(client):
    response = client.post("/es/check/oud-self-check/summary/", oud_answers(2))
    assert response.status_code == 200
    html = _html(response)
    assert "Señales de un problema leve (2–3)" in html
    assert "no-store" in response["Cache-Control"]


def test_it_refuses_a_tampered_download(client):
    assert client.post("/en/check/cows/pdf/", {"pulse": "4"}).status_code == 404


def test_it_saves_only_when_a_signed_in_person_asks(client):
    answers = oud_answers(5)
    anonymous = client.post("/en/check/oud-self-check/save/", answers)
    assert anonymous.status_code == 200
    assert SavedResult.objects.count() == 0
    user = UserFactory()
    client.force_login(user)
    result_page = _html(client.post("/en/check/oud-self-check/", answers))
    assert 'data-testid="save"' in result_page
    client.post("/en/check/oud-self-check/save/", {**answers, "total": "99"})
    saved = SavedResult.objects.get()
    assert saved.user == user
    assert saved.total == 5  # re-scored on the server, not the posted total
    assert saved.band == "moderate"


def test_it_never_logs_answers(client, caplog):
    caplog.set_level(logging.DEBUG)
    client.post("/en/check/oud-self-check/", oud_answers(3, suicidal_thoughts=1))
    assert "suicidal_thoughts" not in caplog.text
    assert "craving" not in caplog.text


def test_it_suggests_care_with_locator_links_from_the_situation(client):
    response = client.post("/es/check/which-care/", situation_answers(insurance="medicaid", spanish="yes"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = _html(response)
    assert html.index('data-testid="care-buprenorphine"') < html.index('data-testid="care-naltrexone"')
    # "Find places" posts the codes to the locator (no health facts in a URL).
    form = _find_places_form(html, "care-methadone")
    assert form["action"] == "/es/treatment/"
    assert form["fields"] == [("service", "MU"), ("service", "OTP"), ("service", "MD"), ("service", "SP")]
    assert 'data-testid="comparison"' in html
    assert "11.3" in html
    assert "36.1" in html
    assert 'data-testid="safety-plan"' in html


def test_it_asks_again_for_missing_situation_answers(client):
    answers = situation_answers()
    del answers["transport"]
    response = client.post("/en/check/which-care/", answers)
    assert response.status_code == 400
    assert 'href="#field-transport"' in _html(response)


def test_it_passes_the_place_to_the_locator_links(client):
    html = _html(client.post("/en/check/which-care/", {**situation_answers(), "near": "Denver, CO<script>"}))
    form = _find_places_form(html, "care-buprenorphine")
    assert form["fields"] == [("service", "BU"), ("near", "Denver, COscript")]


def _find_places_form(html, care_testid):
    """The action and hidden fields (but the CSRF token) of a suggestion's "find places" form."""
    block = html.split(f'data-testid="{care_testid}"', 1)[1]
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', block, re.S)
    assert form is not None
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2))
    return {"action": form.group(1), "fields": [f for f in fields if f[0] != "csrfmiddlewaretoken"]}


def test_it_shows_a_signed_in_persons_sows_trend_from_saved_results(client):
    user = UserFactory()
    client.force_login(user)
    sows = instrument("sows-gossop")
    client.post("/en/check/sows-gossop/save/", answers_for_total(sows, 18))
    html = _html(client.post("/en/check/sows-gossop/", answers_for_total(sows, 21)))
    assert "Higher than last time" in html
    assert "18 → 21" in html


def test_it_asks_the_situation_questions_with_an_optional_place(client):
    html = _html(client.get("/es/check/which-care/"))
    assert html.count("<fieldset") == 14
    assert '<label for="near">' in html
    assert "¿Está embarazada, o podría estarlo?" in html
