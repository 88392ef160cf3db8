"""BMLT root servers, through recorded GetSearchResults/GetFormats responses (respx)."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path

import httpx
import pytest
import respx
from django.core.management import call_command

from waypoint.meetings import services
from waypoint.meetings.importers.bmlt import parse_bmlt
from waypoint.meetings.importers.common import FeedError, FeedShrinks
from waypoint.meetings.models import Meeting

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = "https://bmlt.example.org/main_server"
ENDPOINT = f"{ROOT}/client_interface/json/"


def _fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _mock(router, meetings=None, formats=None):
    search = router.get(ENDPOINT, params={"switcher": "GetSearchResults"}).mock(
        return_value=httpx.Response(200, json=_fixture("bmlt-getsearchresults.json") if meetings is None else meetings)
    )
    router.get(ENDPOINT, params={"switcher": "GetFormats"}).mock(
        return_value=httpx.Response(200, json=_fixture("bmlt-getformats.json") if formats is None else formats)
    )
    return search


@respx.mock
def test_it_imports_a_bmlt_root_converting_weekdays_formats_and_venues(capsys):
    search = _mock(respx)
    call_command("import_meetings", ROOT, "--kind", "bmlt", "--service-bodies", "1001,1002")
    assert "4 meetings in feed, 4 new" in capsys.readouterr().out
    assert search.calls.last.request.url.params["services"] == "1001,1002"
    assert search.calls.last.request.url.params["recursive"] == "1"
    sunday = Meeting.objects.get(source_id="2101")
    assert sunday.days == [0]  # BMLT 1 = Sunday
    assert (sunday.start_time, sunday.end_time) == (time(19), time(20, 30))
    assert sunday.types == ["O", "X"]  # JT has no Meeting Guide code
    assert sunday.timezone == "America/New_York"  # no time_zone: from ZIP 22903
    assert (sunday.fellowship, sunday.attendance) == ("NA", "in_person")
    assert sunday.address == "1200 W Main St, Charlottesville, VA 22903, US"
    late = Meeting.objects.get(source_id="2103")
    assert late.days == [6]  # 7 = Saturday
    assert late.end_time == time(0, 30)  # after midnight
    assert (late.attendance, late.latitude, late.online_url) == ("online", None, "https://zoom.us/j/5550001111")
    women = Meeting.objects.get(source_id="2104")
    assert women.days == [3]
    assert women.attendance == "hybrid"
    # Online attendance comes from the venue and link, never an "ONL" type (not in the spec).
    assert set(women.types) == {"W", "S"}


@respx.mock
def test_it_guesses_bmlt_for_a_root_url_and_retries_a_server_error():
    route = respx.get(ENDPOINT, params={"switcher": "GetSearchResults"}).mock(
        side_effect=[
            httpx.Response(503),
            httpx.ConnectTimeout("slow"),
            httpx.Response(200, json=_fixture("bmlt-getsearchresults.json")[:1]),
        ]
    )
    respx.get(ENDPOINT, params={"switcher": "GetFormats"}).mock(
        return_value=httpx.Response(200, json=_fixture("bmlt-getformats.json"))
    )
    result = services.feed_import_location(location=ROOT)
    assert result.feed.kind == "bmlt"
    assert route.call_count == 3


@respx.mock
def test_it_gives_up_after_three_tries_and_changes_nothing():
    respx.get(ENDPOINT, params={"switcher": "GetSearchResults"}).mock(return_value=httpx.Response(500))
    with pytest.raises(FeedError, match="HTTP 500"):
        services.feed_import_location(location=ROOT, kind="bmlt")
    assert not Meeting.objects.exists()


@respx.mock
def test_a_refresh_drops_meetings_the_server_no_longer_lists():
    _mock(respx)
    feed = services.feed_import_location(location=ROOT, kind="bmlt").feed
    respx.reset()
    respx.routes.clear()
    _mock(respx, meetings=_fixture("bmlt-getsearchresults.json")[:2])
    # Half of the feed gone: refused unless the operator allows it (IMPORT_MAX_SHRINK_PERCENT).
    with pytest.raises(FeedShrinks, match="would remove 2 of its 4 meetings"):
        services.feed_refresh(feed=feed)
    assert Meeting.objects.count() == 4
    result = services.feed_refresh(feed=feed, allow_shrink=True)
    assert (result.unchanged, result.removed) == (2, 2)
    assert sorted(Meeting.objects.values_list("source_id", flat=True)) == ["2101", "2102"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weekday_tinyint": "0"}, "weekday_tinyint"),
        ({"weekday_tinyint": 2}, "weekday_tinyint"),  # a number, not a string
        ({"start_time": "7pm"}, "start_time"),
        ({"id_bigint": ""}, "id_bigint"),
        ({"venue_type": "9"}, "venue_type"),
        ({"latitude": "abc"}, "latitude"),
    ],
)
def test_it_skips_a_bad_meeting_naming_it_and_the_field(change, field):
    meetings = _fixture("bmlt-getsearchresults.json")
    meetings[1].update(change)
    parsed = parse_bmlt(meetings, _fixture("bmlt-getformats.json"))
    assert len(parsed.records) == len(meetings) - 1
    assert len(parsed.skipped) == 1
    assert parsed.skipped[0].startswith("meeting #1")
    assert f"field {field!r}" in parsed.skipped[0]


@respx.mock
def test_it_rejects_a_server_that_does_not_answer_json():
    respx.get(ENDPOINT, params={"switcher": "GetSearchResults"}).mock(
        return_value=httpx.Response(200, text="<html>maintenance</html>")
    )
    with pytest.raises(FeedError, match="did not return JSON"):
        services.feed_import_location(location=ROOT, kind="bmlt")


@respx.mock
def test_it_reads_a_meeting_guide_feed_over_http_and_does_not_retry_a_404():
    url = "https://aa.example.org/wp-admin/admin-ajax.php?action=meetings"
    entry = {"name": "Hope", "slug": "hope", "day": "2", "time": "19:00", "timezone": "America/Denver"}
    respx.get(url).mock(return_value=httpx.Response(200, json=[entry]))
    result = services.feed_import_location(location=url)
    assert (result.feed.kind, result.created) == ("meeting_guide", 1)
    assert Meeting.objects.get().timezone == "America/Denver"
    gone = respx.get("https://aa.example.org/gone.json").mock(return_value=httpx.Response(404))
    with pytest.raises(FeedError, match="HTTP 404"):
        services.feed_import_location(location="https://aa.example.org/gone.json")
    assert gone.call_count == 1


@respx.mock
def test_it_stops_reading_a_feed_larger_than_the_cap(settings):
    from waypoint.meetings.importers import fetch

    settings.IMPORT_MAX_MB = 1
    url = "https://meetings.example.org/feed.json"
    respx.get(url).mock(return_value=httpx.Response(200, content=b"[" + b" " * (1024 * 1024) + b"]"))
    with pytest.raises(FeedError, match=r"larger than 1 MB \(IMPORT_MAX_MB\)"):
        fetch.fetch(url)
    respx.get(url).mock(return_value=httpx.Response(200, content=b"[]"))
    assert fetch.fetch(url) == b"[]"
