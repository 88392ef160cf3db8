"""Meeting times in their own zone: DST days, after midnight, several days (time_machine)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from waypoint.meetings import selectors, timelogic
from waypoint.meetings.tests.factories import MeetingFactory

NY = "America/New_York"


def test_weekdays_use_zero_for_sunday():
    assert timelogic.weekday_of(datetime(2026, 3, 8).date()) == 0  # a Sunday
    assert timelogic.weekday_of(datetime(2026, 3, 14).date()) == 6


def test_a_skipped_wall_time_happens_an_hour_later_on_spring_forward():
    # 2026-03-08: clocks jump 02:00 EST → 03:00 EDT. 02:30 does not exist.
    instant = timelogic.occurrence(datetime(2026, 3, 8).date(), time(2, 30), NY)
    assert instant == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT
    assert timelogic.occurrence(datetime(2026, 3, 8).date(), time(1, 30), NY) == datetime(2026, 3, 8, 6, 30, tzinfo=UTC)


def test_a_repeated_wall_time_is_the_first_one_on_fall_back():
    # 2026-11-01: 01:00–02:00 happens twice; the meeting is at the first (EDT, UTC-4).
    assert timelogic.occurrence(datetime(2026, 11, 1).date(), time(1, 30), NY) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )
    assert timelogic.occurrence(datetime(2026, 11, 1).date(), time(2, 30), NY) == datetime(
        2026, 11, 1, 7, 30, tzinfo=UTC
    )


def test_the_same_local_time_is_a_different_utc_hour_across_the_dst_week():
    before = timelogic.next_occurrence([0], time(19), NY, datetime(2026, 3, 1, tzinfo=UTC))
    after = timelogic.next_occurrence([0], time(19), NY, datetime(2026, 3, 8, tzinfo=UTC))
    assert (before.hour, after.hour) == (0, 23)  # 19:00 EST = 00:00Z; 19:00 EDT = 23:00Z


def _soon(minutes=120):
    query, errors = selectors.parse_query({"starting_within": str(minutes)})
    assert errors == {}
    return [hit.meeting.name for hit in selectors.search(query, now=timezone.now()).hits]


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 3, 8, 6, 45, tzinfo=UTC), tick=False)  # 01:45 EST, spring forward
def test_starting_soon_on_the_spring_forward_night():
    MeetingFactory(name="half past one", day_mask=1, start_time=time(1, 30))
    MeetingFactory(name="half past two", day_mask=1, start_time=time(2, 30))  # = 03:30 EDT, 45 min away
    MeetingFactory(name="four", day_mask=1, start_time=time(4, 0))  # 04:00 EDT = 08:00Z, 75 min away
    MeetingFactory(name="five", day_mask=1, start_time=time(5, 0))  # 135 min away
    assert _soon(60) == ["half past two"]
    assert _soon(120) == ["half past two", "four"]


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 1, 5, 0, tzinfo=UTC), tick=False)  # 01:00 EDT, fall back
def test_starting_soon_on_the_fall_back_night():
    MeetingFactory(name="half past one", day_mask=1, start_time=time(1, 30))  # 05:30Z
    MeetingFactory(name="half past two", day_mask=1, start_time=time(2, 30))  # 07:30Z (EST)
    assert _soon(60) == ["half past one"]
    assert _soon(150) == ["half past one", "half past two"]


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 28, 4, 0, tzinfo=UTC), tick=False)  # Fri 23:00 EST
def test_starting_soon_crosses_midnight_into_the_next_weekday():
    MeetingFactory(name="after midnight", day_mask=1 << 6, start_time=time(0, 30))  # Saturday 00:30
    MeetingFactory(name="friday late", day_mask=1 << 5, start_time=time(23, 30))
    MeetingFactory(name="saturday noon", day_mask=1 << 6, start_time=time(12, 0))
    assert _soon(120) == ["friday late", "after midnight"]


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 24, 23, 30, tzinfo=UTC), tick=False)  # Tue 18:30 NY, 16:30 Denver
def test_each_meeting_is_judged_in_its_own_zone():
    MeetingFactory(name="ny seven", start_time=time(19))  # in 30 min
    MeetingFactory(name="denver seven", start_time=time(19), timezone="America/Denver")  # in 2.5 h
    MeetingFactory(
        name="tokyo morning", day_mask=1 << 3, start_time=time(9, 15), timezone="Asia/Tokyo"
    )  # Wed 09:15 JST = 00:15Z
    assert _soon(120) == ["ny seven", "tokyo morning"]
    assert _soon(180) == ["ny seven", "tokyo morning", "denver seven"]


@pytest.mark.django_db
@time_machine.travel(datetime(2026, 11, 24, 23, 30, tzinfo=UTC), tick=False)
def test_today_and_a_chosen_day_use_arrays_of_days():
    MeetingFactory(name="tue and thu", day_mask=(1 << 2) | (1 << 4))
    MeetingFactory(name="wednesday", day_mask=1 << 3)
    MeetingFactory(name="by appointment", day_mask=0, start_time=None)
    # In Tokyo it is already Wednesday.
    MeetingFactory(name="tokyo wednesday", day_mask=1 << 3, timezone="Asia/Tokyo")

    def names(**params):
        query, errors = selectors.parse_query(params)
        assert errors == {}
        return sorted(h.meeting.name for h in selectors.search(query, now=timezone.now()).hits)

    assert names(today="true") == ["tokyo wednesday", "tue and thu"]
    assert names(day="4") == ["tue and thu"]
    assert names(day="3") == ["tokyo wednesday", "wednesday"]


ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu"]


@given(
    now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    minutes=st.integers(min_value=1, max_value=24 * 60),
    day=st.integers(min_value=0, max_value=6),
    hour=st.integers(min_value=0, max_value=23),
    minute=st.sampled_from([0, 15, 30, 45]),
    zone=st.sampled_from(ZONES),
)
def test_the_database_prefilter_never_hides_a_meeting(now, minutes, day, hour, minute, zone):
    """Every occurrence in the window lies inside one of the padded wall-clock ranges."""
    now = now.replace(tzinfo=UTC)
    end = now + timedelta(minutes=minutes)
    start = time(hour, minute)
    if timelogic.occurrences_between([day], start, zone, now, end):
        assert any(d == day and low <= start <= high for d, low, high in timelogic.wall_ranges(zone, now, end))
