"""manage.py load_articles and the setup_site hook."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from waypoint.guide import setup
from waypoint.guide.models import Article
from waypoint.guide.tests.conftest import FIXTURE_CONTENT, FIXTURES

pytestmark = pytest.mark.django_db


def test_it_loads_a_folder_and_reports_counts():
    out = io.StringIO()
    call_command("load_articles", "--dir", str(FIXTURE_CONTENT), stdout=out)
    assert out.getvalue().strip() == "10 new, 0 updated, 0 unchanged, 0 removed"
    assert Article.objects.count() == 10


def test_it_refuses_invalid_files_and_names_them(tmp_path):
    shutil.copytree(FIXTURES / "invalid", tmp_path / "content")
    with pytest.raises(CommandError, match=r"content/en/no-sources.md: sources: "):
        call_command("load_articles", "--dir", str(tmp_path / "content"), stdout=io.StringIO())
    assert Article.objects.count() == 0


def test_it_fails_the_check_on_broken_links(tmp_path):
    shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    (tmp_path / "content" / "es" / "methadone.md").unlink()  # the English one is left without translation
    (tmp_path / "content" / "es" / "overdose.md").unlink()  # ...and Spanish links to it break
    err = io.StringIO()
    with pytest.raises(CommandError, match="problems"):
        call_command("load_articles", "--dir", str(tmp_path / "content"), "--check", stdout=io.StringIO(), stderr=err)
    assert "es/buprenorphine: related: unknown article 'methadone'" in err.getvalue()


def test_it_loads_the_built_in_articles_for_make_run(monkeypatch):
    monkeypatch.setattr("waypoint.guide.services.BUILTIN_CONTENT_DIR", FIXTURE_CONTENT)
    out = io.StringIO()
    setup.load_builtin(stdout=out)
    setup.load_builtin(stdout=out)
    assert "10 new" in out.getvalue()
    assert "10 unchanged" in out.getvalue()
