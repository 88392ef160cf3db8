"""Built-in data for the meeting finder (run by `manage.py setup_site`; idempotent).

Checks the type table, then: when the real feeds are at SHARED_DATA_DIR/meetings, imports
them (a refresh when already imported); otherwise, when there are no meetings at all, adds
a handful of demo meetings, every one flagged `is_demo` and labelled on pages and in the API.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django.conf import settings

from waypoint.meetings import services
from waypoint.meetings.importers.common import FeedError
from waypoint.meetings.meeting_types import type_table
from waypoint.meetings.models import Fellowship, Meeting

# Real feeds that ship in ../shared/data/meetings, and what the files do not say.
REAL_FEEDS = [
    ("meeting-guide-sussexaa.json", "Sussex County AA (Delaware)", Fellowship.AA, ""),
    ("meeting-guide-atlanta.json", "Atlanta AA", Fellowship.AA, ""),
    ("meeting-guide-edmonton.json", "Edmonton AA", Fellowship.AA, "America/Edmonton"),
    ("meeting-guide-times.json", "Meeting Guide sample feed", Fellowship.AA, ""),
]

DEMO_MEETINGS: list[dict[str, Any]] = [
    {"name": "Demo: Hope at Noon (NA)", "slug": "demo-hope-at-noon", "day_mask": 0b1111111, "start_time": time(12),
     "end_time": time(13), "timezone": "America/New_York", "types": ["O", "D", "BE"], "fellowship": Fellowship.NA,
     "attendance": "in_person", "location": "Demo Community Center", "address": "100 Example St, Charlottesville, VA 22903",
     "postal_code": "22903", "latitude": 38.0293, "longitude": -78.4767},
    {"name": "Demo: Nueva Vida (NA, en español)", "slug": "demo-nueva-vida", "day_mask": 0b0101010,
     "start_time": time(19), "end_time": time(20, 30), "timezone": "America/New_York", "types": ["S", "C"],
     "fellowship": Fellowship.NA, "attendance": "hybrid", "location": "Demo Church Hall",
     "address": "200 Sample Ave, Charlottesville, VA 22902", "postal_code": "22902", "latitude": 38.02,
     "longitude": -78.47, "online_url": "https://meet.example.org/demo-nueva-vida"},
    {"name": "Demo: SMART Recovery Online", "slug": "demo-smart-online", "day_mask": 0b0010100,
     "start_time": time(20), "end_time": time(21), "timezone": "America/Chicago", "types": ["O"],
     "fellowship": Fellowship.SMART, "attendance": "online", "online_url": "https://meet.example.org/demo-smart"},
    {"name": "Demo: Women's Circle (Nar-Anon, for families)", "slug": "demo-womens-circle", "day_mask": 0b1000001,
     "start_time": time(10), "end_time": time(11), "timezone": "America/Los_Angeles", "types": ["W", "O"],
     "fellowship": Fellowship.NARANON, "attendance": "online", "online_url": "https://meet.example.org/demo-women"},
]  # fmt: skip


def load_builtin(*, stdout: Any) -> None:
    stdout.write(f"  meeting types: {len(type_table())} codes")
    folder = settings.SHARED_DATA_DIR / "meetings"
    if folder.is_dir():
        services.meetings_delete_demo()
        for filename, name, fellowship, zone in REAL_FEEDS:
            path = folder / filename
            if not path.exists():
                continue
            try:
                result = services.feed_import_location(
                    location=str(path), name=name, fellowship=fellowship, default_timezone=zone
                )
            except FeedError as exc:
                stdout.write(f"  {filename}: rejected: {exc}")
                continue
            stdout.write(f"  {result.summary()}")
        return
    if not Meeting.objects.exists():
        for values in DEMO_MEETINGS:
            services.meeting_create_demo(values={**values, "match_key": f"demo|{values['slug']}"})
        stdout.write(f"  {len(DEMO_MEETINGS)} demo meetings (demo data — not real meetings)")
