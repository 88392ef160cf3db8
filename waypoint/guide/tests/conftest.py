"""Fixtures of the guide tests: articles loaded from our own fixture folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from waypoint.guide.services import BUILTIN_CONTENT_DIR, articles_load

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_CONTENT = FIXTURES / "content"


@pytest.fixture
def fixture_articles(db):
    """The ten fixture articles (five slugs, English and Spanish) in the database."""
    return articles_load(dirs=[("builtin", FIXTURE_CONTENT)])


@pytest.fixture
def browser_articles(transactional_db):
    return articles_load(dirs=[("builtin", FIXTURE_CONTENT)])


@pytest.fixture(scope="module")
def real_articles(django_db_setup, django_db_blocker):
    """The real articles (waypoint/guide/content), loaded once per module, removed afterwards."""
    with django_db_blocker.unblock():
        report = articles_load(dirs=[("builtin", BUILTIN_CONTENT_DIR)], strict=False)
    yield report
    with django_db_blocker.unblock():
        articles_load(dirs=[])  # no folders: empties the table and the search index


@pytest.fixture
def real_articles_db(real_articles, db):
    return real_articles
