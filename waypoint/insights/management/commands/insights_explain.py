"""`manage.py insights_explain --input checkins.csv [--lang en|es] [--format json]`:
the insights and early-warning series Waypoint would show for one person's check-ins."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from waypoint.insights.csvio import CsvProblem, read_path
from waypoint.insights.explain import as_json, as_text, explain


class Command(BaseCommand):
    help = "Explain the insights and early warning for one person's check-ins in a CSV file (docs/insights.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="CSV of one person's check-ins (docs/insights.md)")
        parser.add_argument("--lang", choices=["en", "es"], default="en", help="language of the insight texts")
        parser.add_argument("--format", choices=["text", "json"], default="text", dest="output_format")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = read_path(options["input"])
        except CsvProblem as exc:
            raise CommandError(f"{options['input']}: {exc}") from None
        with translation.override(options["lang"]):
            analysis, warnings = explain(rows)
            if options["output_format"] == "json":
                self.stdout.write(json.dumps(as_json(analysis, warnings), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(as_text(analysis, warnings), ending="")
