"""Checks of the real articles in waypoint/guide/content (written by the writers)."""

from __future__ import annotations

import re
import statistics
from functools import cache
from pathlib import Path

import pytest
import textstat
from django.conf import settings

from waypoint.guide.rendering import render_markdown
from waypoint.guide.schema import ArticleFile, parse_article_file
from waypoint.guide.services import BUILTIN_CONTENT_DIR

SLUGS = [
    "signs-in-yourself", "signs-in-someone-else", "how-opioids-work", "fentanyl", "treatment-options",
    "detox-and-withdrawal", "quitting-without-help", "overdose", "faq", "how-long-treatment-takes", "methadone",
    "buprenorphine", "naltrexone", "inpatient-residential", "outpatient", "therapies", "support-groups",
    "sober-living", "paying-for-treatment", "complementary-therapies", "staying-in-recovery", "lapse-and-relapse",
    "smart-goals", "family-how-to-talk", "family-helping-without-enabling", "pregnancy", "teens-and-young-adults",
    "after-jail-or-prison", "work-and-your-rights", "family-self-care",
    # Issue 16: gaps people need filled.
    "assessment-and-intake", "choosing-a-program", "harm-reduction-services", "stimulants-and-opioids",
    "chronic-pain", "mental-health-and-suicide", "peer-recovery-coaches", "recovery-without-treatment",
]  # fmt: skip
MAX_GRADE = 8.0
REPORT = Path(settings.BASE_DIR) / "var" / "test-reports" / "reading-level.txt"


@cache
def _articles() -> dict[tuple[str, str], ArticleFile]:
    return {
        (path.parent.name, path.stem): parse_article_file(path, label=f"{path.parent.name}/{path.name}")
        for path in sorted(BUILTIN_CONTENT_DIR.glob("*/*.md"))
    }


def _article(language: str, slug: str) -> ArticleFile:
    path = BUILTIN_CONTENT_DIR / language / f"{slug}.md"
    assert path.exists(), f"{language}/{slug}.md has not been written"
    return _articles()[(language, slug)]


def reading_text(body: str) -> str:
    """The body with Markdown stripped, exactly as notes/articles.md tells writers to check it."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body)
    return re.sub(r"[#*_>`-]", "", text)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("slug", SLUGS)
def test_it_has_every_article_with_sources_in_both_languages(slug, language):
    article = _article(language, slug)
    assert article.meta.translation_of == slug
    assert article.meta.sources
    assert all(str(source.url).startswith("https://") for source in article.meta.sources)


def test_it_has_no_article_without_a_translation():
    keys = set(_articles())
    for language, slug in keys:
        other = "es" if language == "en" else "en"
        assert (other, slug) in keys, f"{language}/{slug} has no {other} translation"


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_resolves_every_guide_link_and_related_slug(language):
    known = {slug for lang, slug in _articles() if lang == language}
    problems = []
    for (lang, slug), article in sorted(_articles().items()):
        if lang != language:
            continue
        rendered = render_markdown(article.body, language=lang, known_slugs=known)
        problems += [f"{lang}/{slug}: body links to guide:{s}" for s in rendered.broken_links]
        problems += [f"{lang}/{slug}: related '{s}' does not exist" for s in article.meta.related if s not in known]
        problems += [f"{lang}/{slug}: related lists itself" for s in article.meta.related if s == slug]
    assert problems == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_loads_nothing_from_another_host(language):
    known = {slug for lang, slug in _articles() if lang == language}
    for (lang, slug), article in _articles().items():
        if lang != language:
            continue
        html = render_markdown(article.body, language=lang, known_slugs=known).html
        assert not re.search(r"<(img|script|iframe|link|object|embed|video|audio|source)\b", html), slug
        assert "src=" not in html, slug
        assert "style=" not in html, slug


def test_it_writes_english_at_grade_8_or_below():
    grades = {
        slug: textstat.flesch_kincaid_grade(reading_text(article.body))
        for (lang, slug), article in sorted(_articles().items())
        if lang == "en"
    }
    assert grades, "no English articles yet"
    values = sorted(grades.values())
    lines = [
        "Flesch-Kincaid grade of the English guide articles (textstat, Markdown stripped)",
        f"articles: {len(values)}  min: {values[0]:.1f}  median: {statistics.median(values):.1f}  "
        f"max: {values[-1]:.1f}  limit: {MAX_GRADE}",
        "",
        *(f"{grade:5.1f}  {'OK  ' if grade <= MAX_GRADE else 'HIGH'}  {slug}" for slug, grade in grades.items()),
    ]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    too_hard = {slug: grade for slug, grade in grades.items() if grade > MAX_GRADE}
    assert too_hard == {}
