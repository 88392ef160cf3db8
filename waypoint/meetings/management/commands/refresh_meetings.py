"""`manage.py refresh_meetings`: re-import every registered, active feed (run it from cron
or a systemd timer: see docs/meetings.md). One feed failing — whatever the reason —
leaves its meetings as they were and does not stop the others; the exit status says
whether any failed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypoint.meetings import services
from waypoint.meetings.importers.common import FeedError
from waypoint.meetings.models import Feed


class Command(BaseCommand):
    help = "Refresh the meetings of every active registered feed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-shrink",
            action="store_true",
            help="Accept feeds that remove more than IMPORT_MAX_SHRINK_PERCENT of their meetings.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        feeds = list(Feed.objects.filter(is_active=True))
        for feed in feeds:
            try:
                result = services.feed_refresh(feed=feed, allow_shrink=options["allow_shrink"])
            except FeedError as exc:
                failed += 1
                self.stderr.write(f"{feed.name}: REJECTED, nothing changed: {exc}")
                continue
            self.stdout.write(result.summary())
            for reason in result.skipped:
                self.stdout.write(f"  skipped: {reason}")
        if failed:
            raise CommandError(f"{failed} of {len(feeds)} feeds rejected")
