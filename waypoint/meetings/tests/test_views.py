"""Finder pages, .ics downloads and the published Meeting Guide feed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar

from waypoint.core.testing import shared_data_path
from waypoint.meetings import services
from waypoint.meetings.importers.meeting_guide import parse_meeting_guide
from waypoint.meetings.models import Meeting
from waypoint.meetings.setup import load_builtin
from waypoint.meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # Tuesday 17:30 in New York


def _find(client, params, language="en"):
    """Posts the finder's form as a browser does and follows it to the results address."""
    return client.post(f"/{language}/meetings/", params, follow=True)


@time_machine.travel(NOW, tick=False)
def test_the_finder_lists_meetings_starting_soon_near_a_zip(client, django_assert_max_num_queries):
    MeetingFactory(name="Hope Tonight", types=["BE"])
    MeetingFactory(name="Wednesday Thing", day_mask=1 << 3)
    response = client.post("/en/meetings/", {"near": "22903", "when": "soon"})
    with django_assert_max_num_queries(5):
        response = client.get(response["Location"])
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hope Tonight" in body
    assert "Wednesday Thing" not in body
    assert "1 meeting found" in body
    assert "Newcomer" in body


def test_the_finder_shows_field_errors(client):
    response = _find(client, {"near": "99999"})
    assert response.status_code == 400
    assert "We could not find the ZIP code 99999." in response.content.decode()
    response = _find(client, {"near": "", "when": "soon"})
    assert response.status_code == 400
    assert "or choose online meetings" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_today_lists_meetings_in_clock_order_including_earlier_ones(client):
    MeetingFactory(name="Morning", start_time=time(8))
    MeetingFactory(name="Evening", start_time=time(19))
    body = _find(client, {"near": "22903", "when": "today"}).content.decode()
    assert body.index("Morning") < body.index("Evening")


def test_the_finder_speaks_spanish(client):
    MeetingFactory(name="Nueva Vida", types=["S"])
    body = _find(client, {"near": "22903", "when": "any"}, "es").content.decode()
    assert "Nueva Vida" in body
    assert "Español" in body  # the type's Spanish name from the data table
    assert "Martes" in body


@time_machine.travel(NOW, tick=False)
def test_the_meeting_page_shows_its_own_zone_and_the_viewers(client):
    meeting = MeetingFactory(name="Hope", online_url="https://zoom.us/j/42", attendance="hybrid")
    body = client.get(f"/en/meetings/{meeting.pk}/", {"tz": "America/Los_Angeles"}).content.decode()
    assert "Local time of the meeting (America/New_York)" in body
    assert "In your time zone (America/Los_Angeles)" in body
    assert "4:00" in body
    assert "PST" in body
    assert 'href="https://zoom.us/j/42"' in body
    assert 'href="geo:38.031200,-78.491000' in body
    assert "Your first meeting: what to expect" in body
    plain = client.get(f"/en/meetings/{meeting.pk}/", {"tz": "Not/AZone"}).content.decode()
    assert "In your time zone (" not in plain


@time_machine.travel(NOW, tick=False)
def test_the_ics_repeats_weekly_in_the_meetings_zone(client):
    meeting = MeetingFactory(name="Late", day_mask=(1 << 5) | (1 << 6), start_time=time(23, 30), end_time=time(0, 30))
    response = client.get(f"/en/meetings/{meeting.pk}/meeting.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == datetime(2026, 11, 27, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    assert end - start == (datetime(2026, 1, 2, 0, 30) - datetime(2026, 1, 1, 23, 30))
    assert event["rrule"]["FREQ"] == ["WEEKLY"]
    assert event["rrule"]["BYDAY"] == ["FR", "SA"]
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/New_York"


def test_a_meeting_with_no_set_day_has_no_ics(client):
    meeting = MeetingFactory(day_mask=0, start_time=None)
    assert client.get(f"/en/meetings/{meeting.pk}/meeting.ics").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_search_can_be_downloaded_as_one_calendar(client):
    MeetingFactory(name="A")
    MeetingFactory(name="B", start_time=time(20))
    results = _find(client, {"near": "22903", "when": "today"})
    link = re.search(r'href="([^"]+)" data-testid="search-ics"', results.content.decode())
    assert link is not None
    response = client.get(link.group(1))
    assert response["Content-Disposition"] == 'attachment; filename="meetings.ics"'
    calendar = Calendar.from_ical(response.content)
    names = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert names == ["A", "B"]
    assert str(calendar["X-WR-CALDESC"]).startswith("All 2 meetings from your Waypoint search.")


def _feed(client):
    response = client.get("/en/meetings/feed.json")
    assert response.status_code == 200
    return response.json()


def test_the_published_feed_follows_the_meeting_guide_spec(client):
    MeetingFactory(name="Real", types=["O", "BE"], day_mask=(1 << 1) | (1 << 3))
    MeetingFactory(name="Fake", is_demo=True)
    entries = _feed(client)
    assert [e["name"] for e in entries] == ["Real"]
    entry = entries[0]
    assert entry["slug"]
    assert entry["day"] == [1, 3]
    assert entry["time"] == "19:00"
    assert all(not key.startswith("contact_") for key in entry)


def test_the_published_feed_round_trips_through_the_importer(client, tmp_path):
    services.feed_import_location(location=str(shared_data_path("meetings", "meeting-guide-sussexaa.json")))
    services.feed_import_location(
        location=str(shared_data_path("meetings", "meeting-guide-edmonton.json")), default_timezone="America/Edmonton"
    )
    first = _feed(client)
    Meeting.objects.all().delete()
    path = tmp_path / "waypoint.json"
    path.write_text(json.dumps(first), encoding="utf-8")
    result = services.feed_import_location(location=str(path))
    assert (result.total, result.created) == (len(first), 438)
    second = _feed(client)

    def comparable(entries):
        return sorted(json.dumps({k: v for k, v in e.items() if k != "url"}, sort_keys=True) for e in entries)

    assert comparable(second) == comparable(first)
    # And it reads as a Meeting Guide feed by our own parser, with nothing dropped.
    assert parse_meeting_guide(json.dumps(second)).warnings == []


def test_setup_loads_real_feeds_or_labelled_demo_data(settings, tmp_path):
    real = shared_data_path("meetings").parent
    settings.SHARED_DATA_DIR = tmp_path  # no meetings folder: demo data
    load_builtin(stdout=_Out())
    assert Meeting.objects.filter(is_demo=True).count() == 4
    load_builtin(stdout=_Out())
    assert Meeting.objects.count() == 4
    settings.SHARED_DATA_DIR = real
    load_builtin(stdout=_Out())
    assert not Meeting.objects.filter(is_demo=True).exists()
    assert Meeting.objects.count() == 453


class _Out:
    def write(self, text):
        pass


@time_machine.travel(datetime(2026, 11, 25, 0, 20, tzinfo=UTC), tick=False)  # Tue 19:20 in New York
def test_the_meeting_page_says_when_it_is_happening_now(client):
    now = MeetingFactory(online_url="https://zoom.us/j/42", attendance="online")
    over = MeetingFactory(start_time=time(18), end_time=time(19))
    assert 'data-testid="in-progress"' in client.get(f"/en/meetings/{now.pk}/").content.decode()
    assert 'data-testid="in-progress"' not in client.get(f"/en/meetings/{over.pk}/").content.decode()
