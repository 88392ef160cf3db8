"""The guide index (topics and search without JavaScript) and the article page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_it_groups_articles_by_topic(client, fixture_articles, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/en/guide/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('id="topic-safety"') < html.index('id="topic-treatment"') < html.index('id="topic-medications"')
    assert 'href="/en/guide/methadone/"' in html
    assert 'name="q"' in html
    assert 'method="post"' in html
    assert "Metadona" not in html


def _search(client, words: str, language: str = "en"):
    """Searches as the form does: POST, then the opaque results address."""
    posted = client.post(f"/{language}/guide/", {"q": words})
    assert posted.status_code == 303
    return posted, client.get(posted["Location"])


def test_it_shows_search_results_for_a_query(client, fixture_articles):
    _, response = _search(client, "suboxone")
    html = response.content.decode()
    results = html.split('data-testid="search-results"')[1].split("</section>")[0]
    assert results.index('href="/en/guide/buprenorphine/"') < results.index('href="/en/guide/methadone/"')
    assert 'value="suboxone"' in html
    assert "no-store" in response["Cache-Control"]


def test_the_words_searched_for_are_never_in_a_url(client, fixture_articles):
    posted, response = _search(client, "pregnant methadone")
    assert "pregnant" not in posted["Location"]
    assert posted["Location"].startswith("/en/guide/search/")
    assert "pregnant" not in "".join(response.content.decode().split('href="')[1:]).split('"')[0]
    # An old link that carried the words is moved once to an opaque address.
    moved = client.get("/en/guide/", {"q": "pregnant"})
    assert moved.status_code == 303
    assert "pregnant" not in moved["Location"]


def test_a_search_is_for_the_browser_that_made_it(client, fixture_articles):
    from django.test import Client

    posted, _ = _search(client, "naltrexone shot")
    other = Client().get(posted["Location"])
    assert other.status_code == 404
    assert 'data-testid="search-ended"' in other.content.decode()
    assert "naltrexone shot" not in other.content.decode()


def test_it_says_so_when_nothing_matches_and_escapes_the_query(client, fixture_articles):
    _, response = _search(client, "<script>zzzz</script>", "es")
    html = response.content.decode()
    assert 'data-testid="no-results"' in html
    assert "<script>zzzz" not in html
    assert "&lt;script&gt;zzzz" in html


def test_it_shows_an_article_with_toc_sources_review_date_related_and_next_steps(client, fixture_articles):
    response = client.get("/en/guide/methadone/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Methadone</h1>" in html
    assert 'href="#where-you-get-it"' in html  # table of contents
    assert 'href="#take-home-doses"' not in html  # only H2s are listed
    assert "Last reviewed: Nov. 22, 2026" in html
    assert 'href="https://store.samhsa.gov/product/tip-63-medications-opioid-use-disorder/pep21-02-01-002"' in html
    sources = html.split('id="sources"')[1]
    assert "SAMHSA, 2021." in sources
    related = html.split('id="related"')[1].split("</section>")[0]
    assert related.index("/en/guide/buprenorphine/") < related.index("/en/guide/overdose/")
    for name in ("directory:search", "screening:index", "core:get_help"):
        with translation.override("en"):
            assert f'href="{reverse(name)}"' in html
    assert 'data-testid="crisis-first"' not in html


def test_it_shows_the_article_in_spanish_with_spanish_links(client, fixture_articles):
    html = client.get("/es/guide/methadone/").content.decode()
    assert "<h1>Metadona</h1>" in html
    assert 'href="/es/guide/buprenorphine/"' in html
    assert 'lang="es"' in html


def test_it_puts_crisis_help_first_on_the_overdose_article(client, fixture_articles):
    html = client.get("/en/guide/overdose/").content.decode()
    assert html.index('data-testid="crisis-first"') < html.index('data-testid="article-body"')
    assert 'href="tel:911"' in html.split('data-testid="crisis-first"')[1].split("</section>")[0]


def test_it_answers_404_for_an_unknown_article(client, fixture_articles):
    assert client.get("/en/guide/no-such-article/").status_code == 404


def test_an_empty_search_goes_back_to_the_topics(client, fixture_articles):
    response = client.post("/en/guide/", {"q": "  "})
    assert response.status_code == 302
    assert response["Location"] == "/en/guide/"
    assert client.put("/en/guide/").status_code == 405
