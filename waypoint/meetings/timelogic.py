"""When a weekly meeting happens, in its own time zone (zoneinfo; DST safe).

A meeting at a wall-clock time that a DST change skips (02:30 on the spring-forward day in
America/New_York) happens at the instant zoneinfo gives that wall time with fold=0, i.e.
one hour later by the new clock (03:30 EDT). On the fall-back day, 01:30 happens twice;
the meeting is the first one (01:30 EDT). Both follow RFC 5545 §3.3.5, which calendar apps
use for the .ics files, so the finder and the calendar agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def weekday_of(day: date) -> int:
    """0 = Sunday … 6 = Saturday (Waypoint's one convention)."""
    return day.isoweekday() % 7


def occurrence(day: date, start: time, zone: str) -> datetime:
    """The UTC instant of a meeting held at `start` local time on `day` in `zone`."""
    local = datetime.combine(day, start).replace(tzinfo=ZoneInfo(zone), fold=0)
    return local.astimezone(UTC)


def local_today(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def occurrences_between(
    days: list[int], start: time | None, zone: str, begin: datetime, end: datetime
) -> list[datetime]:
    """Every occurrence in [begin, end] (UTC instants), for a meeting on `days` at `start`."""
    if start is None or not days:
        return []
    tz = ZoneInfo(zone)
    # One day of margin on each side covers meetings after midnight and DST shifts.
    first = begin.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    found = []
    day = first
    while day <= last:
        if weekday_of(day) in days:
            instant = occurrence(day, start, zone)
            if begin <= instant <= end:
                found.append(instant)
        day += timedelta(days=1)
    return found


def next_occurrence(days: list[int], start: time | None, zone: str, after: datetime) -> datetime | None:
    found = occurrences_between(days, start, zone, after, after + timedelta(days=8))
    return found[0] if found else None


def wall_ranges(zone: str, begin: datetime, end: datetime) -> list[tuple[int, time, time]]:
    """(weekday, from, to) wall-clock ranges in `zone` that cover [begin, end], padded by an
    hour on each side so that DST shifts cannot hide a meeting: a cheap database prefilter
    that `occurrences_between` then makes exact."""
    tz = ZoneInfo(zone)
    low = (begin - timedelta(hours=1)).astimezone(tz).replace(tzinfo=None)
    high = (end + timedelta(hours=1)).astimezone(tz).replace(tzinfo=None)
    ranges = []
    day = low.date()
    while day <= high.date():
        start = max(low, datetime.combine(day, time.min))
        stop = min(high, datetime.combine(day, time.max))
        ranges.append((weekday_of(day), start.time(), stop.time()))
        day += timedelta(days=1)
    return ranges
