"""python manage.py refresh_facilities [--resume] [--page-size N] [--max-pages N] [--delay S]"""

from __future__ import annotations

from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypoint.directory.importers import ImportRejected
from waypoint.directory.refresh import RefreshFailed, RefreshOptions, refresh_run
from waypoint.directory.services import code_table_load


class Command(BaseCommand):
    help = "Download SAMHSA's FindTreatment.gov directory page by page and import it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--type", default="SA", choices=["SA", "MH", "BOTH"], dest="s_type")
        parser.add_argument("--page-size", type=int, default=2000)
        parser.add_argument("--max-pages", type=int, default=None)
        parser.add_argument("--resume", action="store_true", help="Continue after the last page fetched.")
        parser.add_argument("--delay", type=float, default=1.0, help="Seconds between requests.")
        parser.add_argument("--retries", type=int, default=4)
        parser.add_argument("--timeout", type=float, default=30.0)
        parser.add_argument(
            "--allow-shrink",
            action="store_true",
            help="Accept a result that removes more than IMPORT_MAX_SHRINK_PERCENT of the places the API gave before.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["page_size"] <= 2000:
            raise CommandError("--page-size must be 1..2000 (the API's limit)")
        code_table_load()
        refresh = RefreshOptions(
            s_type=options["s_type"],
            page_size=options["page_size"],
            max_pages=options["max_pages"],
            resume=options["resume"],
            retries=options["retries"],
            delay=options["delay"],
            timeout=options["timeout"],
            allow_shrink=options["allow_shrink"],
        )
        try:
            result = refresh_run(options=refresh, log=self.stdout.write)
        except ImportRejected as exc:
            raise CommandError(f"REJECTED {exc}") from exc
        except (RefreshFailed, httpx.HTTPError) as exc:
            raise CommandError(f"refresh stopped: {exc}. Run again with --resume to continue.") from exc
        self.stdout.write(f"imported: {result.summary()}")
