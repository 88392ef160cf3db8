"""python manage.py import_facilities PATH [PATH ...] [--format FORMAT] [--source NAME] [--allow-shrink]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypoint.directory.importers import FORMATS, ImportRejected
from waypoint.directory.services import code_table_load, facilities_import


class Command(BaseCommand):
    help = "Import SAMHSA directory files (API JSON, locator CSV/XLSX, N-SUMHSS XLSX, OTP CSV, MOUD CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--format", choices=FORMATS, help="Force a format instead of detecting it.")
        parser.add_argument(
            "--source",
            default="",
            help="The list this file replaces (default: its format for national lists, format:file name for "
            "locator exports).",
        )
        parser.add_argument(
            "--allow-shrink",
            action="store_true",
            help="Accept a file that removes more than IMPORT_MAX_SHRINK_PERCENT of what its source listed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code_table_load()
        failed = []
        for path in options["paths"]:
            try:
                result = facilities_import(
                    path=path, fmt=options["format"], source=options["source"], allow_shrink=options["allow_shrink"]
                )
            except ImportRejected as exc:
                # Each file is its own transaction: the others still import.
                self.stderr.write(f"REJECTED {exc}")
                failed.append(str(path))
                continue
            self.stdout.write(f"{path.name} [{result.format}] as source {result.source!r}: {result.summary()}")
            if result.merge_rules:
                rules = ", ".join(f"{rule} {count}" for rule, count in sorted(result.merge_rules.items()))
                self.stdout.write(f"  match rules: {rules}")
            if result.facilities_removed:
                self.stdout.write(
                    f"  places removed (merged into another place, or no longer listed): {result.facilities_removed}"
                )
            if result.unknown_fields:
                self.stdout.write(f"  unknown fields: {result.unknown_fields}")
            if result.unknown_codes:
                total = sum(result.unknown_codes.values())
                self.stdout.write(f"  unknown codes/labels ({total}): {dict(list(result.unknown_codes.items())[:10])}")
            for line, reason in result.rejected_rows[:10]:
                self.stdout.write(f"  line {line} rejected: {reason}")
        if failed:
            raise CommandError(f"{len(failed)} file(s) rejected: {', '.join(failed)}")
