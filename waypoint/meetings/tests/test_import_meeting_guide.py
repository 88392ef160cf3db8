"""Importing Meeting Guide JSON: the real feeds, bad feeds, refreshes and merges."""

from __future__ import annotations

import json
from datetime import time

import pytest
from django.core.management import CommandError, call_command

from waypoint.core.testing import shared_data_path
from waypoint.meetings import services
from waypoint.meetings.importers.common import FeedError
from waypoint.meetings.importers.meeting_guide import parse_meeting_guide
from waypoint.meetings.models import Feed, Meeting, MeetingSource

pytestmark = pytest.mark.django_db

# Every entry of each real feed becomes a meeting: no entry is skipped (the one entry
# with no day — "Appt" in the times feed — is kept as "by appointment") and the four
# feeds share no meeting, so nothing is merged.
REAL_COUNTS = {"sussexaa": 123, "edmonton": 315, "atlanta": 6, "times": 9}


def _import(path, **kwargs):
    return services.feed_import_location(location=str(path), **kwargs)


def _feed_file(tmp_path, entries, name="feed.json"):
    path = tmp_path / name
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


def _entry(**overrides):
    entry = {
        "name": "Tuesday Hope",
        "slug": "tuesday-hope",
        "day": 2,
        "time": "19:00",
        "end_time": "20:00",
        "types": ["O", "D"],
        "formatted_address": "1200 W Main St, Charlottesville, VA 22903, USA",
        "latitude": 38.0312,
        "longitude": -78.491,
    }
    entry.update(overrides)
    return entry


@pytest.mark.parametrize(("name", "count"), REAL_COUNTS.items())
def test_it_imports_every_real_feed_with_exact_counts(name, count):
    result = _import(shared_data_path("meetings", f"meeting-guide-{name}.json"))
    assert (result.total, result.created, result.merged) == (count, count, 0)
    assert Meeting.objects.filter(feed=result.feed).count() == count


def test_it_imports_all_real_feeds_together_without_false_merges():
    for name in REAL_COUNTS:
        _import(shared_data_path("meetings", f"meeting-guide-{name}.json"))
    assert Meeting.objects.count() == sum(REAL_COUNTS.values()) == 453


def test_it_reads_real_feed_details_and_time_zones():
    _import(shared_data_path("meetings", "meeting-guide-sussexaa.json"))
    _import(shared_data_path("meetings", "meeting-guide-edmonton.json"), default_timezone="America/Edmonton")
    _import(shared_data_path("meetings", "meeting-guide-times.json"))
    rehoboth = Meeting.objects.get(slug="rehoboth-beach-speaker")
    assert rehoboth.days == [0]
    assert (rehoboth.start_time, rehoboth.end_time) == (time(19), time(20))
    assert rehoboth.timezone == "America/New_York"  # from ZIP 19971
    assert rehoboth.types == ["O", "SP"]
    # Edmonton writes "11:00 AM" and arrays of days, with no zone: the feed's default.
    shifters = Meeting.objects.get(name="Chapter House - Shifters")
    assert (shifters.days, shifters.start_time, shifters.timezone) == ([6], time(11), "America/Edmonton")
    # The times feed: string days, an entry with no day ("by appointment"), ZIP 12345 → NY.
    assert Meeting.objects.get(slug="monday-7pm").days == [1]
    appointment = Meeting.objects.get(slug="appointment")
    assert (appointment.days, appointment.start_time) == ([], None)
    assert Meeting.objects.get(slug="approximate").types == ["O"]  # unknown "NA" left out


def test_it_rejects_the_invalid_real_feed_and_changes_nothing():
    _import(shared_data_path("meetings", "meeting-guide-times.json"))
    before = list(Meeting.objects.values_list("pk", "name", "updated_at"))
    with pytest.raises(FeedError, match="not valid JSON"):
        _import(shared_data_path("meetings", "meeting-guide-invalid.json"))
    assert list(Meeting.objects.values_list("pk", "name", "updated_at")) == before
    assert not Feed.objects.filter(url__endswith="invalid.json").exists()


def test_it_skips_a_bad_day_naming_the_meeting_and_field_and_imports_the_rest(tmp_path):
    # The invalid feed's entries, without its trailing junk, still use day 7.
    raw = shared_data_path("meetings", "meeting-guide-invalid.json").read_text(encoding="utf-8")
    entries = json.loads(raw[: raw.rindex("]") + 1])
    result = _import(_feed_file(tmp_path, entries))
    assert any(reason.startswith("meeting #6 ('Sunday 8pm'), field 'day'") for reason in result.skipped)
    assert result.created == len(entries) - len(result.skipped) > 0


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (_entry(name=""), "name"),
        (_entry(slug=None), "slug"),
        (_entry(types="O"), "types"),
        (_entry(time="25:00"), "time"),
        (_entry(day=[1, "x"]), "day"),
        (_entry(latitude="north"), "latitude"),
        (_entry(timezone="Mars/Olympus"), "timezone"),
        (_entry(notes={"a": 1}), "notes"),
    ],
)
def test_it_skips_an_entry_of_the_wrong_type_and_imports_the_others(tmp_path, entry, field):
    feed = _import(_feed_file(tmp_path, [_entry(slug="good")])).feed
    parsed = parse_meeting_guide(json.dumps([_entry(slug="good"), _entry(slug="other", day=5), entry]))
    assert len(parsed.skipped) == 1
    assert parsed.skipped[0].startswith("meeting #2")
    assert f"field {field!r}" in parsed.skipped[0]
    result = services.feed_import(feed=feed, parsed=parsed)
    assert (result.created, result.unchanged, len(result.skipped)) == (1, 1, 1)
    assert sorted(Meeting.objects.values_list("slug", flat=True)) == ["good", "other"]


def test_it_rejects_a_feed_that_is_not_a_list(tmp_path):
    with pytest.raises(FeedError, match="JSON array"):
        _import(_feed_file(tmp_path, {"meetings": []}))


def test_it_converts_days_and_twelve_hour_times():
    parsed = parse_meeting_guide(json.dumps([_entry(day=["1", 3, 3], time="7:30 PM", end_time="12:00 AM")]))
    record = parsed.records[0]
    assert record.days == [1, 3]
    assert (record.start_time, record.end_time) == (time(19, 30), time(0, 0))


def test_it_updates_changed_meetings_and_removes_only_its_own_gone_ones(tmp_path):
    path = _feed_file(tmp_path, [_entry(), _entry(slug="b", name="Other", day=4)])
    other = _import(_feed_file(tmp_path, [_entry(slug="x", name="Far away", latitude=40.0)], "other.json"))
    _import(path)
    path.write_text(json.dumps([_entry(time="19:30")]), encoding="utf-8")
    result = _import(path, allow_shrink=True)  # half of the feed goes: the operator allows it
    assert (result.updated, result.removed) == (1, 1)
    assert Meeting.objects.get(slug="tuesday-hope").start_time == time(19, 30)
    assert not Meeting.objects.filter(slug="b").exists()
    assert Meeting.objects.filter(feed=other.feed).count() == 1


def test_it_merges_the_same_meeting_from_two_feeds_and_keeps_it_until_both_drop_it(tmp_path):
    first = _import(_feed_file(tmp_path, [_entry()], "a.json"))
    # Same meeting, other spelling and slug, coordinates to ~10 m.
    same = _entry(slug="hope-tue", name="TUESDAY  hope", latitude=38.03121, longitude=-78.49101)
    second = _import(_feed_file(tmp_path, [same], "b.json"))
    assert (second.created, second.merged) == (0, 1)
    assert Meeting.objects.count() == 1
    assert MeetingSource.objects.count() == 2
    (tmp_path / "a.json").write_text("[]", encoding="utf-8")
    _import(tmp_path / "a.json", allow_shrink=True)
    meeting = Meeting.objects.get()
    assert (meeting.feed, meeting.source_id) == (second.feed, "hope-tue")
    (tmp_path / "b.json").write_text("[]", encoding="utf-8")
    _import(tmp_path / "b.json", allow_shrink=True)
    assert not Meeting.objects.exists()
    assert first.feed.pk != second.feed.pk


def test_it_merges_online_meetings_by_conference_link_but_not_different_times(tmp_path):
    online = {"formatted_address": "", "latitude": None, "longitude": None, "conference_url": "https://zoom.us/j/1"}
    _import(_feed_file(tmp_path, [_entry(**online), _entry(slug="later", time="21:00", **online)], "a.json"))
    result = _import(
        _feed_file(tmp_path, [_entry(slug="z", **{**online, "conference_url": "https://www.zoom.us/j/1/"})], "b.json")
    )
    assert result.merged == 1
    assert Meeting.objects.count() == 2


def test_the_command_prints_counts_and_fails_on_a_rejected_feed(capsys):
    good = shared_data_path("meetings", "meeting-guide-atlanta.json")
    bad = shared_data_path("meetings", "meeting-guide-invalid.json")
    with pytest.raises(CommandError, match="1 of 2 feeds rejected"):
        call_command("import_meetings", str(good), str(bad))
    out, err = capsys.readouterr()
    assert "6 meetings in feed, 6 new" in out
    assert "REJECTED, nothing changed" in err
    assert Meeting.objects.count() == 6


def test_refresh_meetings_reads_every_registered_feed(tmp_path, capsys):
    path = _feed_file(tmp_path, [_entry()])
    services.feed_register(location=str(path), name="Local")
    call_command("refresh_meetings")
    assert "Local: 1 meetings in feed, 1 new" in capsys.readouterr().out
    assert Meeting.objects.count() == 1


def test_it_takes_the_zone_from_coordinates_when_there_is_no_zip():
    _import(shared_data_path("meetings", "meeting-guide-sussexaa.json"))
    online = Meeting.objects.get(name="Recovering Sisters Monday")
    assert online.postal_code == ""
    assert online.timezone == "America/New_York"
    assert not Meeting.objects.filter(timezone="UTC").exists()
