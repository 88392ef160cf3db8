"""The JSON API at /api/v1/instruments: list, definition, stateless scoring."""

from __future__ import annotations

import pytest

from waypoint.screening.engine import PUBLISHED
from waypoint.screening.models import SavedResult
from waypoint.screening.tests.helpers import answers_for_total, instrument, oud_answers


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.API_RATE_LIMIT = "10000/m"


def test_it_lists_the_instrument_ids(client):
    response = client.get("/api/v1/instruments")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == list(PUBLISHED)


def test_it_returns_a_definition_with_items_in_published_order(client):
    body = client.get("/api/v1/instruments/cows").json()
    assert [item["key"] for item in body["items"]] == list(instrument("cows").keys)
    gooseflesh = body["items"][-1]
    assert gooseflesh["allowed_values"] == [0, 3, 5]
    assert body["loinc"] is None
    assert body["scoring"]["range"] == [0, 48]
    assert [band["min"] for band in body["bands"]] == [0, 5, 13, 25, 37]


def test_it_answers_404_for_an_unknown_instrument(client):
    assert client.get("/api/v1/instruments/dast-10").status_code == 404
    assert (
        client.post("/api/v1/instruments/dast-10/score", {"answers": {}}, content_type="application/json").status_code
        == 404
    )


@pytest.mark.django_db
def test_it_scores_without_storing_anything(client):
    answers = answers_for_total(instrument("cows"), 13)
    response = client.post("/api/v1/instruments/cows/score", {"answers": answers}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 13
    assert body["band"] == "moderate"
    assert body["crisis"] is False
    assert body["stored"] is False
    assert SavedResult.objects.count() == 0


def test_it_returns_a_null_band_where_the_instrument_has_none(client):
    answers = answers_for_total(instrument("barc-10"), 47)
    body = client.post(
        "/api/v1/instruments/barc-10/score", {"answers": answers}, content_type="application/json"
    ).json()
    assert body["total"] == 47
    assert body["band"] is None
    assert [note["key"] for note in body["notes"]] == ["sustained-remission"]


def test_it_gives_a_422_naming_the_invalid_item(client):
    answers = answers_for_total(instrument("cows"), 0)
    answers["gooseflesh"] = 1
    response = client.post("/api/v1/instruments/cows/score", {"answers": answers}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "answers", "gooseflesh"], "msg": "must be one of: 0, 3, 5", "type": "invalid_answer"}
    ]


def test_it_gives_a_422_naming_a_missing_item(client):
    answers = answers_for_total(instrument("sows-gossop"), 5)
    del answers["insomnia"]
    response = client.post(
        "/api/v1/instruments/sows-gossop/score", {"answers": answers}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "answers", "insomnia"], "msg": "needs an answer", "type": "invalid_answer"}
    ]


def test_it_gives_a_422_without_an_answers_object(client):
    response = client.post("/api/v1/instruments/cows/score", {"total": 3}, content_type="application/json")
    assert response.status_code == 422


def test_it_puts_crisis_first_in_the_result(client):
    answers = oud_answers(4, suicidal_thoughts=1)
    response = client.post(
        "/api/v1/instruments/oud-self-check/score", {"answers": answers}, content_type="application/json"
    )
    body = response.json()
    assert next(iter(body)) == "crisis"
    assert body["crisis"] is True
    assert body["crisis_kinds"] == ["suicide"]
    assert {line["number"] for line in body["crisis_help"]} == {"988", "911"}
    assert body["band"] == "moderate"
    assert body["not_a_diagnosis"] is True


def test_it_applies_the_medical_supervision_rule_over_the_api(client):
    answers = oud_answers(0, tolerance=1, withdrawal=1, prescribed_only=1)
    body = client.post(
        "/api/v1/instruments/oud-self-check/score", {"answers": answers}, content_type="application/json"
    ).json()
    assert body["total"] == 0
    assert sorted(body["not_counted"]) == ["tolerance", "withdrawal"]


def test_it_reports_a_sows_trend_from_totals_the_client_keeps(client):
    answers = answers_for_total(instrument("sows-gossop"), 9)
    body = client.post(
        "/api/v1/instruments/sows-gossop/score?lang=es",
        {"answers": answers, "previous_totals": [20, 14]},
        content_type="application/json",
    ).json()
    assert body["total"] == 9
    assert body["band"] is None
    assert body["trend"] == "down"


def test_it_returns_overdose_safety_steps_in_spanish(client):
    risk = instrument("overdose-risk")
    answers = {item.key: 0 for item in risk.items} | {"fentanyl": 1, "recent_overdose": 1}
    body = client.post(
        "/api/v1/instruments/overdose-risk/score?lang=es", {"answers": answers}, content_type="application/json"
    ).json()
    assert body["crisis"] is True
    assert body["crisis_kinds"] == ["overdose"]
    assert "fentanilo" in body["steps"][0]


def test_it_serves_a_questionnaire_as_fhir(client):
    body = client.get("/api/v1/instruments/barc-10/fhir?lang=es").json()
    assert body["resourceType"] == "Questionnaire"
    assert body["language"] == "es"
