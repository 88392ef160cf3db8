"""GET /api/v1/articles."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_returns_the_best_match_first(client, fixture_articles):
    response = client.get("/api/v1/articles", {"q": "suboxone", "lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["results"]) >= 1
    assert body["results"][0] == {
        "slug": "buprenorphine",
        "title": "Buprenorphine",
        "summary": "How buprenorphine works and how to start it.",
        "url": "/en/guide/buprenorphine/",
    }


def test_it_searches_spanish_articles(client, fixture_articles):
    body = client.get("/api/v1/articles", {"q": "desintoxicación", "lang": "es"}).json()
    assert body["results"][0]["slug"] == "detox-and-withdrawal"
    assert body["results"][0]["url"] == "/es/guide/detox-and-withdrawal/"


def test_it_lists_every_article_of_the_language_without_a_query(client, fixture_articles):
    body = client.get("/api/v1/articles", {"lang": "es"}).json()
    assert body["count"] == 5
    assert all(r["url"].startswith("/es/guide/") for r in body["results"])


def test_it_names_the_field_when_the_language_is_invalid(client, fixture_articles):
    response = client.get("/api/v1/articles", {"q": "methadone", "lang": "fr"})
    assert response.status_code == 422
    assert any("lang" in error["loc"] for error in response.json()["detail"])
