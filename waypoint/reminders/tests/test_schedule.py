"""Local times of day → UTC, across daylight-saving changes in three time zones (and a
half-hour one), with the rules docs/reminders.md states."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from waypoint.reminders import schedule

UTC = dt.UTC
EIGHT = dt.time(8, 0)


def local(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def days_of(at: dt.time, zone: str, start: dt.datetime, count: int) -> list[dt.datetime]:
    moments, after = [], start
    for _ in range(count):
        after = schedule.next_daily(at, ZoneInfo(zone), after=after)
        moments.append(after)
    return moments


@pytest.mark.parametrize(
    ("zone", "start", "change_day"),
    [
        # Spring forward, then fall back, in each zone's own season.
        ("America/New_York", "2026-03-06", "2026-03-08"),
        ("America/New_York", "2026-10-30", "2026-11-01"),
        ("Europe/London", "2026-03-27", "2026-03-29"),
        ("Europe/London", "2026-10-23", "2026-10-25"),
        ("Australia/Sydney", "2026-04-03", "2026-04-05"),  # DST ends in April down under
        ("Australia/Sydney", "2026-10-02", "2026-10-04"),
        ("Australia/Lord_Howe", "2026-04-03", "2026-04-05"),  # a half-hour change
    ],
)
def test_an_8am_reminder_stays_at_8am_local_across_the_change(zone, start, change_day):
    first = dt.datetime.fromisoformat(start).replace(tzinfo=ZoneInfo(zone))
    moments = days_of(EIGHT, zone, first, 5)
    assert [m.astimezone(ZoneInfo(zone)).time() for m in moments] == [EIGHT] * 5
    assert [m.astimezone(ZoneInfo(zone)).date().isoformat() for m in moments] == [
        (first.date() + dt.timedelta(days=n)).isoformat() for n in range(5)
    ]
    # …while the UTC instants move by the size of the change across it.
    gaps = {(b - a) for a, b in itertools.pairwise(moments)}
    assert dt.timedelta(hours=24) in gaps
    assert len(gaps) == 2
    # …and only the gap across the night of the change.
    odd = [(a, b) for a, b in itertools.pairwise(moments) if b - a != dt.timedelta(hours=24)]
    assert len(odd) == 1
    local = ZoneInfo(zone)
    assert odd[0][0].astimezone(local).date() < dt.date.fromisoformat(change_day) <= odd[0][1].astimezone(local).date()


@pytest.mark.parametrize(
    ("zone", "day", "at", "sent_at"),
    [
        ("America/New_York", "2026-03-08", dt.time(2, 30), "2026-03-08 03:00 EDT"),
        ("Europe/London", "2026-03-29", dt.time(1, 15), "2026-03-29 02:00 BST"),
        ("Australia/Sydney", "2026-10-04", dt.time(2, 0), "2026-10-04 03:00 AEDT"),
        ("Australia/Lord_Howe", "2026-10-04", dt.time(2, 10), "2026-10-04 02:30 +11"),
    ],
)
def test_a_time_that_does_not_exist_is_sent_when_the_clocks_jump(zone, day, at, sent_at):
    moment = schedule.resolve_local(dt.date.fromisoformat(day), at, ZoneInfo(zone))
    assert local(moment, zone) == sent_at


@pytest.mark.parametrize(
    ("zone", "day", "first"),
    [
        ("America/New_York", "2026-11-01", "2026-11-01 05:30"),  # 01:30 EDT, not 01:30 EST
        ("Europe/London", "2026-10-25", "2026-10-25 00:30"),  # 01:30 BST
        ("Australia/Sydney", "2026-04-05", "2026-04-04 15:30"),  # 02:30 AEDT
    ],
)
def test_a_time_that_happens_twice_is_sent_once_at_the_first(zone, day, first):
    at = dt.time(1, 30) if not zone.startswith("Australia") else dt.time(2, 30)
    moment = schedule.resolve_local(dt.date.fromisoformat(day), at, ZoneInfo(zone))
    assert moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") == first
    # The next one after it is the next day, not the repeat an hour later.
    following = schedule.next_daily(at, ZoneInfo(zone), after=moment)
    assert following.astimezone(ZoneInfo(zone)).date() == dt.date.fromisoformat(day) + dt.timedelta(days=1)


def test_a_whole_missing_day_is_stepped_over():
    # Samoa skipped 30 December 2011.
    zone = ZoneInfo("Pacific/Apia")
    after = dt.datetime(2011, 12, 29, 9, 0, tzinfo=zone)
    assert schedule.next_daily(EIGHT, zone, after=after).astimezone(zone).date() == dt.date(2011, 12, 31)


@pytest.mark.parametrize(
    ("start", "end", "moment", "quiet"),
    [
        (dt.time(22), dt.time(7), dt.time(23, 30), True),
        (dt.time(22), dt.time(7), dt.time(6, 59), True),
        (dt.time(22), dt.time(7), dt.time(7, 0), False),
        (dt.time(22), dt.time(7), dt.time(21, 59), False),
        (dt.time(13), dt.time(15), dt.time(14), True),
        (dt.time(13), dt.time(15), dt.time(15), False),
        (None, None, dt.time(3), False),
        (dt.time(9), dt.time(9), dt.time(9), False),
    ],
)
def test_quiet_hours(start, end, moment, quiet):
    assert schedule.in_quiet_hours(moment, start, end) is quiet


def test_a_reminder_in_quiet_hours_waits_until_they_end_in_local_time():
    zone = ZoneInfo("America/New_York")
    late = dt.datetime(2026, 3, 7, 23, 30, tzinfo=zone)  # the night before spring forward
    moved = schedule.after_quiet_hours(late, zone, dt.time(22), dt.time(7))
    assert local(moved, "America/New_York") == "2026-03-08 07:00 EDT"
    calm = dt.datetime(2026, 3, 7, 12, 0, tzinfo=zone)
    assert schedule.after_quiet_hours(calm, zone, dt.time(22), dt.time(7)) == calm


def test_an_unknown_zone_falls_back():
    assert schedule.zone_of("Mars/Olympus", "UTC").key == "UTC"
    assert schedule.zone_of("", "America/Chicago").key == "America/Chicago"
