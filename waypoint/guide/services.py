"""Writes of the guide: loading article files into the database (idempotent)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from waypoint.core.text import fold
from waypoint.guide.models import Article
from waypoint.guide.rendering import render_markdown
from waypoint.guide.schema import LANGUAGES, ArticleFile, ContentError, FieldError, parse_article_file

BUILTIN_CONTENT_DIR = Path(__file__).resolve().parent / "content"
# Bump when rendering changes, so that unchanged files are rendered again.
RENDER_VERSION = "1"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def content_dirs() -> list[tuple[str, Path]]:
    """Built-in articles, then the operator's CONTENT_DIR (whose files win)."""
    dirs = [("builtin", BUILTIN_CONTENT_DIR)]
    if settings.CONTENT_DIR:
        dirs.append(("operator", Path(settings.CONTENT_DIR)))
    return dirs


def _collect(dirs: Sequence[tuple[str, Path]]) -> dict[tuple[str, str], tuple[str, Path, Path]]:
    """(language, slug) -> (origin, file, root); a later folder overrides an earlier one."""
    found: dict[tuple[str, str], tuple[str, Path, Path]] = {}
    for origin, root in dirs:
        for language in LANGUAGES:
            folder = root / language
            if folder.is_dir():
                for path in sorted(folder.glob("*.md")):
                    found[(language, path.stem)] = (origin, path, root)
    return found


def _label(path: Path, root: Path) -> str:
    try:
        return f"{root.name}/{path.relative_to(root)}"
    except ValueError:
        return str(path)


def articles_load(*, dirs: Sequence[tuple[str, Path]] | None = None, strict: bool = True) -> LoadReport:
    """Makes the Article table (and the SQLite FTS index) match the article files.

    With ``strict`` any invalid file raises ContentError (every file and field listed) and
    nothing is written. Otherwise valid files are loaded, invalid ones are reported in
    ``errors`` and their previously loaded version is kept. Broken ``related`` or
    ``guide:`` links are warnings: the page leaves them out.
    """
    report = LoadReport()
    parsed: dict[tuple[str, str], tuple[str, ArticleFile]] = {}
    invalid: set[tuple[str, str]] = set()
    for key, (origin, path, root) in _collect(dirs if dirs is not None else content_dirs()).items():
        try:
            parsed[key] = (origin, parse_article_file(path, label=_label(path, root)))
        except ContentError as exc:
            report.errors.extend(exc.errors)
            invalid.add(key)
    if strict and report.errors:
        raise ContentError(report.errors)

    known = {language: {slug for (lang, slug) in parsed if lang == language} for language in LANGUAGES}
    rows: list[tuple[tuple[str, str], dict[str, object]]] = []
    for (language, slug), (origin, article) in sorted(parsed.items()):
        meta = article.meta
        rendered = render_markdown(article.body, language=language, known_slugs=known[language])
        label = f"{language}/{slug}"
        report.warnings += [f"{label}: body: link to unknown article guide:{s}" for s in rendered.broken_links]
        report.warnings += [
            f"{label}: related: unknown article '{s}'" for s in meta.related if s not in known[language]
        ]
        if language != "en" and meta.translation_of not in known["en"]:
            report.warnings.append(f"{label}: translation_of: no English article '{meta.translation_of}'")
        sources = [source.model_dump(mode="json") for source in meta.sources]
        linked = sorted({s for s in rendered.guide_links if s in known[language]})
        digest = hashlib.sha256(
            json.dumps(
                # The HTML depends on which of the linked articles exist, and on nothing else.
                [RENDER_VERSION, origin, meta.model_dump(mode="json"), article.body, linked],
                sort_keys=True,
            ).encode()
        ).hexdigest()
        rows.append(
            (
                (language, slug),
                {
                    "slug": slug,
                    "language": language,
                    "translation_of": meta.translation_of,
                    "title": meta.title,
                    "summary": meta.summary,
                    "topic": meta.topic,
                    "audience": list(meta.audience),
                    "related": list(meta.related),
                    "sources": sources,
                    "last_reviewed": meta.last_reviewed,
                    "body": article.body,
                    "html": rendered.html,
                    "toc": rendered.toc,
                    "plain_text": rendered.plain_text,
                    "search_title": fold(meta.title),
                    "search_summary": fold(meta.summary),
                    "search_body": fold(rendered.plain_text),
                    "origin": origin,
                    "content_hash": digest,
                },
            )
        )
    with transaction.atomic():
        existing = {(a.language, a.slug): a for a in Article.objects.all()}
        for key, row in rows:
            current = existing.get(key)
            if current is not None and current.content_hash == row["content_hash"]:
                report.unchanged += 1
                continue
            article_obj = current or Article()
            for name, value in row.items():
                setattr(article_obj, name, value)
            article_obj.full_clean(validate_unique=False, validate_constraints=False)
            article_obj.save()
            if current is None:
                report.created += 1
            else:
                report.updated += 1
        stale = [a.pk for key, a in existing.items() if key not in parsed and key not in invalid]
        report.deleted = len(stale)
        Article.objects.filter(pk__in=stale).delete()
        _fts_rebuild()
    return report


def _fts_rebuild() -> None:
    """Rewrites the SQLite FTS5 index from the Article table (about 60 rows)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM guide_article_fts")
        cursor.execute(
            "INSERT INTO guide_article_fts (rowid, title, summary, body, language) "
            "SELECT id, search_title, search_summary, search_body, language FROM guide_article"
        )
