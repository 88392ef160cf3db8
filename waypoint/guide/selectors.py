"""Reads of the guide: articles for pages, and the one search entry point."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache, reduce
from operator import or_
from pathlib import Path
from typing import Any

import yaml
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import QuerySet

from waypoint.core.text import fold
from waypoint.core.text import fold_words as words
from waypoint.guide.models import TOPIC_CHOICES, Article

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.yaml"
PG_CONFIGS = {"en": "english", "es": "spanish"}
# How many FTS candidates are re-ranked in Python, and the bonus per query term found in
# the title: a title that names what the person asked for beats a passing mention.
CANDIDATES = 60
TITLE_BONUS = 10.0
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Synonyms:
    phrases: list[tuple[str, tuple[str, ...]]]  # folded phrase -> search terms, longest first
    stopwords: dict[str, frozenset[str]]
    # One-word terms and the words the articles use: a close misspelling of one of them
    # is searched as what it stands for.
    vocabulary: dict[str, tuple[str, ...]]


@cache
def synonyms() -> Synonyms:
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8"))
    table: dict[str, list[str]] = {}
    for group in data["groups"]:
        means = [" ".join(words(m)) for m in group["means"]]
        for term in group["terms"]:
            key = " ".join(words(str(term)))
            table.setdefault(key, [])
            table[key] += [m for m in means if m not in table[key]]
    phrases = sorted(((k, tuple(v)) for k, v in table.items()), key=lambda kv: (-len(kv[0]), kv[0]))
    stop = {lang: frozenset(fold(str(w)) for w in ws) for lang, ws in data["stopwords"].items()}
    vocabulary: dict[str, tuple[str, ...]] = {
        m: (m,) for group in data["groups"] for m in (" ".join(words(x)) for x in group["means"])
    }
    vocabulary.update(phrases)
    vocabulary = {k: v for k, v in vocabulary.items() if " " not in k and len(k) >= 4}
    return Synonyms(phrases=phrases, stopwords=stop, vocabulary=vocabulary)


def query_terms(query: str, *, language: str) -> list[str]:
    """The folded words and phrases to search for: synonyms expanded, stopwords dropped,
    and a close misspelling of a known term (by edit similarity) read as that term."""
    table = synonyms()
    text = " " + " ".join(words(query[:MAX_QUERY_CHARS])) + " "
    terms: list[str] = []
    for phrase, means in table.phrases:
        needle = f" {phrase} "
        if needle in text:
            # The words typed count too (an article may use them), after what they mean.
            terms += [m for m in (*means, phrase) if m not in terms and len(m) >= 3]
            # Drop the phrase so that its words are not searched for again one by one.
            text = text.replace(needle, "  ")
    stop = table.stopwords.get(language, frozenset()) | table.stopwords.get("en", frozenset())
    known = list(table.vocabulary)
    for word in text.split():
        if word in stop or (len(word) < 2 and not word.isdigit()):
            continue
        if word not in terms:
            terms.append(word)
        if len(word) >= 5:
            for close in difflib.get_close_matches(word, known, n=1, cutoff=0.84):
                terms += [m for m in table.vocabulary[close] if m not in terms]
    return terms[:24]


def article_search(*, query: str, language: str, limit: int = 10) -> list[Article]:
    """Articles in `language` that match `query`, best first (each with a ``rank``).

    SQLite uses the FTS5 table kept by the loader; PostgreSQL uses to_tsvector with the
    English or Spanish dictionary over the accent-folded columns. Both then add a bonus
    for each term found in the title, so the ranking reads the same on either database.
    """
    terms = query_terms(query, language=language)
    if not terms or language not in PG_CONFIGS:
        return []
    if connection.vendor == "postgresql":
        scored = _search_postgresql(terms, language)
    else:
        scored = _search_sqlite(terms, language)
    articles = Article.objects.filter(pk__in=list(scored)).only("slug", "language", "title", "summary", "topic")
    results = []
    for article in articles:
        title_words = set(words(article.title))
        hits = sum(1 for term in terms if _in_title(term, title_words, article.title))
        article.rank = scored[article.pk] + TITLE_BONUS * hits  # type: ignore[attr-defined]
        results.append(article)
    results.sort(key=lambda a: (-a.rank, a.title))  # type: ignore[attr-defined]
    return results[: max(1, min(limit, 50))]


def _in_title(term: str, title_words: set[str], title: str) -> bool:
    if " " in term:
        return f" {term} " in f" {' '.join(words(title))} "
    # A crude stem: "medications" counts for "medication", "pagar" for "paying" does not.
    stem = term[: max(4, len(term) - 2)]
    return any(w == term or (len(term) >= 5 and w.startswith(stem)) for w in title_words)


def _search_sqlite(terms: list[str], language: str) -> dict[int, float]:
    # Each term is quoted as an FTS5 string: terms hold only word characters and spaces
    # (text.words), so a person's input can never become FTS5 syntax.
    match = " OR ".join('"' + re.sub(r'"', "", term) + '"' for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, bm25(guide_article_fts, 10.0, 4.0, 1.0) FROM guide_article_fts "
            "WHERE guide_article_fts MATCH %s AND language = %s "
            "ORDER BY bm25(guide_article_fts, 10.0, 4.0, 1.0) LIMIT %s",
            [match, language, CANDIDATES],
        )
        # bm25() is lower for better matches; flip it so higher is better everywhere.
        return {int(rowid): -float(score) for rowid, score in cursor.fetchall()}


def _search_postgresql(terms: list[str], language: str) -> dict[int, float]:
    config = PG_CONFIGS[language]
    vector = (
        SearchVector("search_title", weight="A", config=config)
        + SearchVector("search_summary", weight="B", config=config)
        + SearchVector("search_body", weight="C", config=config)
    )
    search = reduce(or_, [SearchQuery(term, config=config, search_type="phrase") for term in terms])
    rows = (
        Article.objects.filter(language=language)
        .annotate(document=vector)
        .filter(document=search)
        .annotate(rank=SearchRank(vector, search))
        .order_by("-rank")
        .values_list("pk", "rank")[:CANDIDATES]
    )
    # ts_rank lies in 0..1; scale it near bm25's range so the title bonus weighs the same.
    return {int(pk): float(rank) * 10.0 for pk, rank in rows}


def articles_by_topic(*, language: str) -> list[dict[str, Any]]:
    """Topics in reading order, each with its articles (one query)."""
    articles = Article.objects.filter(language=language).only("slug", "language", "title", "summary", "topic")
    grouped: dict[str, list[Article]] = {}
    for article in articles.order_by("title"):
        grouped.setdefault(article.topic, []).append(article)
    return [{"topic": key, "label": label, "articles": grouped[key]} for key, label in TOPIC_CHOICES if key in grouped]


def article_get(*, slug: str, language: str) -> Article | None:
    return Article.objects.filter(slug=slug, language=language).first()


def articles_related(*, article: Article) -> QuerySet[Article] | list[Article]:
    """The article's `related` list, in its order, leaving out slugs that do not exist."""
    slugs = [s for s in article.related if isinstance(s, str)]
    if not slugs:
        return []
    found = {a.slug: a for a in Article.objects.filter(language=article.language, slug__in=slugs)}
    return [found[s] for s in slugs if s in found]


def article_translation(*, article: Article) -> Article | None:
    """The same article in the other language, if it exists."""
    return (
        Article.objects.filter(translation_of=article.translation_of)
        .exclude(language=article.language)
        .only("slug", "language", "title")
        .first()
    )
