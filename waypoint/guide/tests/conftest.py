"""Fixtures of the guide tests: articles loaded from our own fixture folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from waypoint.guide.services import articles_load

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_CONTENT = FIXTURES / "content"


@pytest.fixture
def fixture_articles(db):
    """The ten fixture articles (five slugs, English and Spanish) in the database."""
    return articles_load(dirs=[("builtin", FIXTURE_CONTENT)])


@pytest.fixture
def browser_articles(transactional_db):
    return articles_load(dirs=[("builtin", FIXTURE_CONTENT)])
