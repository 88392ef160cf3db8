"""manage.py load_articles: copy the guide's Markdown articles into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypoint.guide.schema import ContentError
from waypoint.guide.services import articles_load, content_dirs


class Command(BaseCommand):
    help = (
        "Load the built-in guide articles and those in CONTENT_DIR (which override built-in ones with the "
        "same slug and language). Safe to repeat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, action="append", help="Load only these folders (<dir>/<lang>/*.md).")
        parser.add_argument(
            "--check", action="store_true", help="Treat broken links and missing translations as errors."
        )
        parser.add_argument("--lenient", action="store_true", help="Load the valid files even if some are invalid.")

    def handle(self, *args: Any, **options: Any) -> None:
        dirs = [("operator", d) for d in options["dir"]] if options["dir"] else content_dirs()
        try:
            report = articles_load(dirs=dirs, strict=not options["lenient"])
        except ContentError as exc:
            raise CommandError("Invalid articles, nothing was loaded:\n" + str(exc)) from exc
        self.stdout.write(
            f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged, {report.deleted} removed"
        )
        for problem in [*report.errors, *report.warnings]:
            self.stderr.write(f"warning: {problem}")
        if options["check"] and (report.errors or report.warnings):
            raise CommandError(f"{len(report.errors) + len(report.warnings)} problems (see above)")
