"""`manage.py import_meetings PATH_OR_URL [...]`: import Meeting Guide JSON files/URLs or
BMLT root servers now. Each location is registered as a feed (so `refresh_meetings`
keeps it current) and imported in its own transaction: its good entries are imported and
each entry left out is printed with its reason. A feed that is not a feed at all, or that
would remove most of its meetings (without --allow-shrink), changes nothing and makes the
command exit non-zero after the others have been tried."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypoint.meetings import services
from waypoint.meetings.importers import fetch
from waypoint.meetings.importers.common import FeedError
from waypoint.meetings.models import Fellowship


class Command(BaseCommand):
    help = "Import meetings from Meeting Guide JSON (file or URL) or a BMLT root server URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("locations", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--kind", choices=[fetch.MEETING_GUIDE, fetch.BMLT], default="")
        parser.add_argument("--fellowship", choices=Fellowship.values, default="")
        parser.add_argument(
            "--timezone", default="", help="Time zone for meetings that name none, e.g. America/Edmonton"
        )
        parser.add_argument("--service-bodies", default="", help="BMLT: comma-separated service body ids")
        parser.add_argument(
            "--name", default="", help="Feed name, shown on meeting pages as 'Listed by' (with a single location)"
        )
        parser.add_argument(
            "--allow-shrink",
            action="store_true",
            help="Accept a feed that removes more than IMPORT_MAX_SHRINK_PERCENT of its meetings.",
        )
        parser.add_argument("--warnings", action="store_true", help="Print every warning, not just the count")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for location in options["locations"]:
            try:
                result = services.feed_import_location(
                    location=location,
                    kind=options["kind"],
                    name=options["name"] if len(options["locations"]) == 1 else "",
                    fellowship=options["fellowship"],
                    default_timezone=options["timezone"],
                    service_bodies=options["service_bodies"],
                    allow_shrink=options["allow_shrink"],
                )
            except (FeedError, ValidationError) as exc:
                failed += 1
                self.stderr.write(f"{location}: REJECTED, nothing changed: {exc}")
                continue
            self.stdout.write(result.summary())
            for reason in result.skipped:
                self.stdout.write(f"  skipped: {reason}")
            if options["warnings"]:
                for warning in result.warnings:
                    self.stdout.write(f"  warning: {warning}")
        if failed:
            raise CommandError(f"{failed} of {len(options['locations'])} feeds rejected")
