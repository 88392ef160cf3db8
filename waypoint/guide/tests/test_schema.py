"""The front matter schema: every problem names the file and the field."""

from __future__ import annotations

import pytest

from waypoint.guide.schema import ContentError, parse_article_file
from waypoint.guide.tests.conftest import FIXTURE_CONTENT, FIXTURES

INVALID = FIXTURES / "invalid"


def _errors(path):
    with pytest.raises(ContentError) as caught:
        parse_article_file(path, label=path.name)
    return {(e.path, e.field) for e in caught.value.errors}, str(caught.value)


@pytest.mark.parametrize("path", sorted(FIXTURE_CONTENT.glob("*/*.md")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_it_accepts_every_valid_fixture(path):
    article = parse_article_file(path)
    assert article.meta.slug == path.stem
    assert article.meta.sources


def test_it_accepts_link_as_another_name_for_a_source_url():
    article = parse_article_file(FIXTURES / "valid" / "en" / "valid-with-link-alias.md")
    assert str(article.meta.sources[0].url) == "https://example.org/page"
    assert article.meta.audience == ["self", "family", "recovery"]


def test_it_names_each_bad_field():
    fields, message = _errors(INVALID / "en" / "bad-fields.md")
    names = {field for _path, field in fields}
    assert {
        "title",
        "audience.1",
        "topic",
        "related.0",
        "sources.0.year",
        "sources.0.url",
        "last_reviewed",
        "colour",
    } <= names
    assert all(path == "bad-fields.md" for path, _field in fields)
    assert "bad-fields.md: topic:" in message


def test_it_requires_at_least_one_source():
    fields, _message = _errors(INVALID / "en" / "no-sources.md")
    assert fields == {("no-sources.md", "sources")}


def test_it_checks_the_slug_and_language_against_the_file_name_and_folder():
    fields, message = _errors(INVALID / "en" / "wrong-name.md")
    assert {field for _path, field in fields} == {"slug", "language"}
    assert "must equal the file name 'wrong-name'" in message


def test_it_reports_broken_yaml_and_missing_front_matter():
    _fields, message = _errors(INVALID / "en" / "broken-yaml.md")
    assert "front matter: is not valid YAML" in message
    _fields, message = _errors(INVALID / "es" / "no-front-matter.md")
    assert "must start with a '---' block" in message
