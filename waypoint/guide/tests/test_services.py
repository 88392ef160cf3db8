"""The article loader: idempotent, operator overrides, all-or-nothing when strict."""

from __future__ import annotations

import shutil

import pytest

from waypoint.guide.models import Article
from waypoint.guide.schema import ContentError
from waypoint.guide.selectors import article_search
from waypoint.guide.services import articles_load, content_dirs
from waypoint.guide.tests.conftest import FIXTURE_CONTENT, FIXTURES


@pytest.fixture
def content(tmp_path):
    """A writable copy of the fixture articles."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def _write(path, **meta):
    fields = {
        "slug": path.stem,
        "language": path.parent.name,
        "translation_of": path.stem,
        "title": "Title",
        "summary": "Summary.",
        "audience": "[self]",
        "topic": "basics",
        "related": "[]",
        "last_reviewed": "2026-11-22",
    } | meta
    body = meta.pop("body", "Body text.")
    fields.pop("body", None)
    lines = [f"{k}: {v}" for k, v in fields.items()]
    lines += ["sources:", "  - title: T", "    publisher: P", "    year: 2020", "    url: https://example.org/"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n", encoding="utf-8")


@pytest.mark.django_db
def test_it_loads_every_article_once_and_changes_nothing_the_second_time(content):
    first = articles_load(dirs=[("builtin", content)])
    assert (first.created, first.updated, first.deleted) == (10, 0, 0)
    second = articles_load(dirs=[("builtin", content)])
    assert (second.created, second.updated, second.unchanged, second.deleted) == (0, 0, 10, 0)
    article = Article.objects.get(slug="methadone", language="es")
    assert article.title == "Metadona"
    assert article.topic == "medications"
    assert article.related == ["buprenorphine", "overdose"]
    assert article.sources[0]["publisher"] == "SAMHSA"
    assert '<a href="/es/guide/buprenorphine/">' in article.html


@pytest.mark.django_db
def test_it_updates_changed_files_and_removes_deleted_ones_from_the_index(content):
    articles_load(dirs=[("builtin", content)])
    _write(content / "en" / "methadone.md", title="Methadone clinics", topic="medications", body="Liquid medicine.")
    (content / "en" / "buprenorphine.md").unlink()
    report = articles_load(dirs=[("builtin", content)])
    assert (report.updated, report.deleted) == (1, 1)
    assert not Article.objects.filter(slug="buprenorphine", language="en").exists()
    assert [a.slug for a in article_search(query="liquid", language="en", limit=5)] == ["methadone"]
    assert article_search(query="film under the tongue", language="en", limit=5) == []


@pytest.mark.django_db
def test_it_lets_an_operator_folder_add_and_override_articles(content, tmp_path, settings):
    operator = tmp_path / "operator"
    _write(operator / "en" / "methadone.md", title="Methadone in our county", topic="medications")
    _write(operator / "en" / "local-clinics.md", title="Local clinics", topic="treatment")
    settings.CONTENT_DIR = str(operator)
    dirs = content_dirs()
    assert dirs[-1] == ("operator", operator)
    articles_load(dirs=[("builtin", content), ("operator", operator)])
    methadone = Article.objects.get(slug="methadone", language="en")
    assert (methadone.title, methadone.origin) == ("Methadone in our county", "operator")
    assert Article.objects.get(slug="methadone", language="es").origin == "builtin"
    assert Article.objects.filter(slug="local-clinics").count() == 1


@pytest.mark.django_db
def test_it_writes_nothing_when_strict_and_one_file_is_invalid(content):
    shutil.copy(FIXTURES / "invalid" / "en" / "no-sources.md", content / "en" / "no-sources.md")
    with pytest.raises(ContentError, match=r"content/en/no-sources.md: sources:"):
        articles_load(dirs=[("builtin", content)])
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_it_keeps_the_last_good_version_of_an_invalid_file_when_lenient(content):
    articles_load(dirs=[("builtin", content)])
    (content / "en" / "methadone.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    report = articles_load(dirs=[("builtin", content)], strict=False)
    assert [e.path for e in report.errors] == ["content/en/methadone.md"]
    assert Article.objects.get(slug="methadone", language="en").title == "Methadone"
    assert report.deleted == 0


@pytest.mark.django_db
def test_it_warns_about_broken_links_related_slugs_and_missing_translations(content):
    _write(content / "es" / "solo-es.md", translation_of="only-spanish", related="[nowhere]", body="[x](guide:gone)")
    report = articles_load(dirs=[("builtin", content)])
    assert sorted(report.warnings) == [
        "es/solo-es: body: link to unknown article guide:gone",
        "es/solo-es: related: unknown article 'nowhere'",
        "es/solo-es: translation_of: no English article 'only-spanish'",
    ]
