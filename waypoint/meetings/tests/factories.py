"""factory_boy factories for meetings tests."""

from __future__ import annotations

from datetime import time

import factory

from waypoint.meetings.models import Feed, Fellowship, Meeting


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed

    name = factory.Sequence(lambda n: f"Feed {n}")
    kind = Feed.Kind.MEETING_GUIDE
    url = factory.Sequence(lambda n: f"https://feeds.example.org/{n}.json")
    fellowship = Fellowship.NA


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    name = factory.Sequence(lambda n: f"Meeting {n}")
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    day_mask = 1 << 2  # Tuesday
    start_time = time(19, 0)
    end_time = time(20, 0)
    timezone = "America/New_York"
    types = factory.LazyFunction(lambda: ["O"])
    fellowship = Fellowship.NA
    attendance = Meeting.Attendance.IN_PERSON
    address = "1200 W Main St, Charlottesville, VA 22903"
    postal_code = "22903"
    latitude = 38.0312
    longitude = -78.4910
    match_key = factory.Sequence(lambda n: f"key-{n}")
