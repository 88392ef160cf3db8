"""The Meeting Guide feed Waypoint publishes, as TSML UI (the Meeting Guide web client)
reads it, and what the importer keeps for it (issue 17 items 4–8; issue 15 items 7, 8, 13).

TSML UI treats a meeting as in person (with "Get Directions") unless `approximate` is
"yes"; drops the ONL type; dials `conference_phone` only when it is digits and `+ , * #`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from waypoint.core.testing import shared_data_path
from waypoint.meetings import services
from waypoint.meetings.importers.common import FeedError, FeedShrinks
from waypoint.meetings.importers.meeting_guide import parse_meeting_guide
from waypoint.meetings.models import Feed, Meeting

pytestmark = pytest.mark.django_db

DIALABLE = re.compile(r"^[0-9+,*#]{10,}$")


def _entry(**overrides: Any) -> dict[str, Any]:
    entry = {"name": "Tuesday Hope", "slug": "tuesday-hope", "day": 2, "time": "19:00",
             "formatted_address": "1200 W Main St, Charlottesville, VA 22903, USA", "latitude": 38.0312,
             "longitude": -78.491, "types": ["O"]}  # fmt: skip
    entry.update(overrides)
    return entry


def _import(tmp_path: Path, entries: list[Any], name: str = "feed.json", **kwargs: Any) -> services.ImportResult:
    path = tmp_path / name
    path.write_text(json.dumps(entries), encoding="utf-8")
    return services.feed_import_location(location=str(path), **kwargs)


def _published(client: Any) -> dict[str, dict[str, Any]]:
    response = client.get("/en/meetings/feed.json")
    assert response.status_code == 200
    return {entry["name"]: entry for entry in response.json()}


ONLINE_CITY = {"formatted_address": "Edmonton, Alberta, T5B 0S5, Canada", "latitude": None, "longitude": None,
               "conference_url": "https://zoom.us/j/5550001111"}  # fmt: skip


def test_an_online_meeting_with_only_a_city_is_published_as_approximate(client: Any, tmp_path: Path) -> None:
    _import(tmp_path, [
        _entry(name="Online", slug="online", **ONLINE_CITY),
        _entry(name="In person", slug="in-person"),
        # No coordinates, but a street address: a real place.
        _entry(name="Street only", slug="street", latitude=None, longitude=None),
        # The source's own value wins.
        _entry(name="Said no", slug="said-no", approximate="no", **{k: v for k, v in ONLINE_CITY.items()}),
    ])  # fmt: skip
    feed = _published(client)
    assert feed["Online"]["approximate"] == "yes"
    assert "latitude" not in feed["Online"]
    assert feed["In person"]["approximate"] == "no"
    assert feed["Street only"]["approximate"] == "no"
    assert feed["Said no"]["approximate"] == "no"
    assert Meeting.objects.get(slug="online").attendance == "online"  # not "hybrid"


def test_the_real_edmonton_and_sussex_online_meetings_are_approximate(client: Any) -> None:
    services.feed_import_location(
        location=str(shared_data_path("meetings", "meeting-guide-edmonton.json")), default_timezone="America/Edmonton"
    )
    services.feed_import_location(location=str(shared_data_path("meetings", "meeting-guide-sussexaa.json")))
    entries = client.get("/en/meetings/feed.json").json()
    city_only = [e for e in entries if e.get("formatted_address") == "Edmonton, Alberta, Canada"]
    assert city_only
    assert {e["approximate"] for e in city_only} == {"yes"}
    sussex = [e for e in entries if e.get("formatted_address") == "Sussex County, DE, USA"]
    assert sussex
    assert {e["approximate"] for e in sussex} == {"yes"}


def test_published_types_are_the_specs_and_online_comes_from_the_link(client: Any, tmp_path: Path) -> None:
    result = _import(tmp_path, [_entry(name="Online", slug="o", types=["ONL", "O", "BE"], **ONLINE_CITY)])
    assert result.warnings == []  # ONL is known to be retired: no "unknown code" noise
    entry = _published(client)["Online"]
    assert entry["types"] == ["O", "BE"]
    assert entry["conference_url"] == "https://zoom.us/j/5550001111"
    spec = set(json.loads(shared_data_path("meetings", "meeting-guide-types.json").read_text(encoding="utf-8")))
    assert "ONL" not in spec
    services.feed_import_location(location=str(shared_data_path("meetings", "meeting-guide-sussexaa.json")))
    for published in client.get("/en/meetings/feed.json").json():
        assert set(published["types"]) <= spec, published["types"]


def test_our_type_table_is_the_specs_type_list() -> None:
    from waypoint.meetings.meeting_types import type_table

    spec = json.loads(shared_data_path("meetings", "meeting-guide-types.json").read_text(encoding="utf-8"))
    assert set(type_table()) == set(spec)
    assert all(type_table()[code]["es"] for code in spec)


@pytest.mark.parametrize(
    ("raw", "dial", "note"),
    [
        ("+16465588656,,958019765#,,#,,M1F3TT#", "+16465588656,,958019765#,,#", "Passcode: M1F3TT#"),
        ("(301) 715-8592,,85779615129#", "3017158592,,85779615129#", ""),
        ("+13017158592,,85779615129#,,,,005088#", "+13017158592,,85779615129#,,,,005088#", ""),
        ("call us", "", "Phone: call us"),
    ],
)
def test_conference_phones_are_cleaned_and_a_passcode_kept_in_the_notes(
    client: Any, tmp_path: Path, raw: str, dial: str, note: str
) -> None:
    _import(tmp_path, [_entry(conference_phone=raw, conference_phone_notes="Dial in")])
    meeting = Meeting.objects.get()
    assert meeting.phone == dial
    assert meeting.phone_notes == "\n".join(part for part in ["Dial in", note] if part)
    entry = _published(client)["Tuesday Hope"]
    if dial:
        assert DIALABLE.match(entry["conference_phone"])
    else:
        assert "conference_phone" not in entry


def test_a_feed_with_a_few_bad_records_imports_the_good_ones_and_names_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = [
        _entry(name="Good", slug="good"),
        _entry(name="Again", slug="good", day=3),  # duplicate slug
        _entry(name="Café Lunes", slug="café-lunes", day=1),  # non-ASCII slug: kept, slug made safe
        _entry(name="No day", slug="no-day", day=None, time="19:00"),  # by appointment: kept
        _entry(name="Day seven", slug="seven", day=7),
        "not an object",
    ]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    call_command("import_meetings", str(path))
    out = capsys.readouterr().out
    assert "3 meetings in feed, 3 new" in out
    assert "skipped: meeting #1 ('Again'), field 'slug'" in out
    assert "skipped: meeting #4 ('Day seven'), field 'day'" in out
    assert "skipped: meeting #5:" in out
    assert sorted(Meeting.objects.values_list("slug", flat=True)) == ["cafe-lunes", "good", "no-day"]


def test_one_failing_feed_never_stops_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "a-broken.json"
    broken.write_text("{not json", encoding="utf-8")
    services.feed_register(location=str(broken), name="A broken feed")
    services.feed_register(location=str(tmp_path / "b-missing.json"), name="B missing file")
    good = tmp_path / "c-good.json"
    good.write_text(json.dumps([_entry()]), encoding="utf-8")
    services.feed_register(location=str(good), name="C good feed")
    with pytest.raises(CommandError, match="2 of 3 feeds rejected"):
        call_command("refresh_meetings")
    out = capsys.readouterr()
    assert "C good feed: 1 meetings in feed, 1 new" in out.out
    assert "A broken feed: REJECTED" in out.err
    assert Meeting.objects.count() == 1


def test_a_database_error_in_one_feed_does_not_stop_the_next(tmp_path: Path, monkeypatch: Any) -> None:
    first = tmp_path / "first.json"
    first.write_text(json.dumps([_entry(slug="a")]), encoding="utf-8")
    second = tmp_path / "second.json"
    second.write_text(json.dumps([_entry(slug="b", name="Other", latitude=40.0)]), encoding="utf-8")
    feed_a = services.feed_register(location=str(first), name="First")
    services.feed_register(location=str(second), name="Second")
    real = services.feed_import

    def explode(*, feed: Feed, **kwargs: Any) -> Any:
        if feed.pk == feed_a.pk:
            raise RuntimeError("simulated bug")
        return real(feed=feed, **kwargs)

    monkeypatch.setattr(services, "feed_import", explode)
    with pytest.raises(CommandError, match="1 of 2 feeds rejected"):
        call_command("refresh_meetings")
    assert list(Meeting.objects.values_list("name", flat=True)) == ["Other"]
    feed_a.refresh_from_db()
    assert feed_a.last_status.startswith("failed")


def test_optional_fields_are_carried_to_the_published_feed(client: Any, tmp_path: Path) -> None:
    _import(tmp_path, [_entry(
        regions=["Virginia", "Charlottesville"], group_notes="Group conscience first Tuesday.",
        website="https://group.example.org/", venmo="@HopeGroup", square="$HopeGroup", paypal="HopeGroup",
        feedback_emails=["updates@district.example.org"], feedback_url="https://district.example.org/feedback",
        entity="District 9", entity_email="info@district.example.org", entity_location="Albemarle County, VA",
        entity_phone="+1-434-555-0100", entity_url="https://district.example.org",
        contact_1_name="John D", contact_1_email="john@example.org",
    )])  # fmt: skip
    entry = _published(client)["Tuesday Hope"]
    assert entry["regions"] == ["Virginia", "Charlottesville"]
    assert entry["group_notes"] == "Group conscience first Tuesday."
    assert (entry["website"], entry["venmo"], entry["square"], entry["paypal"]) == (
        "https://group.example.org/", "@HopeGroup", "$HopeGroup", "HopeGroup",
    )  # fmt: skip
    assert entry["feedback_emails"] == ["updates@district.example.org"]
    assert entry["feedback_url"] == "https://district.example.org/feedback"
    assert (entry["entity"], entry["entity_location"], entry["entity_phone"]) == (
        "District 9", "Albemarle County, VA", "+1-434-555-0100",
    )  # fmt: skip
    # Anonymity: no contact person is ever published.
    assert not any(key.startswith("contact_") for key in entry)


def test_bad_optional_fields_are_left_out_with_a_warning(tmp_path: Path) -> None:
    result = _import(tmp_path, [_entry(venmo="HopeGroup", website="javascript:alert(1)", entity_url="x")])
    meeting = Meeting.objects.get()
    assert meeting.extra == {}
    assert any("venmo is not a valid handle" in w for w in result.warnings)
    assert any("website is not a web link" in w for w in result.warnings)


def test_local_updated_times_become_utc_and_spec_times_stay_utc(client: Any, tmp_path: Path) -> None:
    _import(tmp_path, [
        _entry(name="Local", slug="local", updated="8/25/2022 11:17:07 AM", timezone="America/Edmonton"),
        _entry(name="Spec", slug="spec", updated="2022-07-09 19:32:28"),
        _entry(name="Offset", slug="offset", updated="2022-07-09T19:32:28-04:00"),
    ])  # fmt: skip
    feed = _published(client)
    assert feed["Local"]["updated"] == "2022-08-25 17:17:07"  # 11:17 MDT (UTC-6)
    assert feed["Spec"]["updated"] == "2022-07-09 19:32:28"
    assert feed["Offset"]["updated"] == "2022-07-09 23:32:28"


def test_an_empty_feed_never_empties_its_meetings(tmp_path: Path) -> None:
    _import(tmp_path, [_entry(slug=f"m{n}", name=f"Meeting {n}", latitude=38 + n / 100) for n in range(4)])
    with pytest.raises(FeedShrinks, match="would remove 4 of its 4 meetings"):
        _import(tmp_path, [])
    assert Meeting.objects.count() == 4
    with pytest.raises(CommandError):
        call_command("import_meetings", str(tmp_path / "feed.json"))
    call_command("import_meetings", str(tmp_path / "feed.json"), "--allow-shrink")
    assert Meeting.objects.count() == 0
    # A new feed with nothing usable in it is refused (it is not a feed of meetings).
    with pytest.raises(FeedError, match="no usable meetings"):
        _import(tmp_path, [], name="new.json")
    assert not Feed.objects.filter(url__endswith="new.json").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('[{"name": "A", "slug": ' + "1" * 4301 + "}]", "not valid JSON"),
    ],
    ids=["deep-nesting", "4301-digit-integer"],
)
def test_hostile_json_is_a_clear_rejection(tmp_path: Path, text: str, message: str, capsys: Any) -> None:
    path = tmp_path / "feed.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FeedError, match=message):
        parse_meeting_guide(text)
    with pytest.raises(CommandError):
        call_command("import_meetings", str(path))
    err = capsys.readouterr().err
    assert "REJECTED, nothing changed" in err
    assert "Traceback" not in err


def test_a_feed_over_the_limits_is_refused(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(FeedError, match=r"more than 2 meetings in one feed \(IMPORT_MAX_ROWS\)"):
        _import(tmp_path, [_entry(slug=f"m{n}") for n in range(3)])
    settings.IMPORT_MAX_ROWS = 100
    settings.IMPORT_MAX_MB = 1
    path = tmp_path / "big.json"
    path.write_text("[" + " " * (1024 * 1024) + "]", encoding="utf-8")
    with pytest.raises(FeedError, match=r"larger than 1 MB \(IMPORT_MAX_MB\)"):
        services.feed_import_location(location=str(path))


def test_meeting_pages_show_the_feeds_display_name_never_its_file_name(client: Any, tmp_path: Path) -> None:
    result = _import(tmp_path, [_entry()], name="m_hostile.json")
    meeting = Meeting.objects.get()
    html = client.get(f"/en/meetings/{meeting.pk}/").content.decode()
    assert "m_hostile" not in html
    assert "Listed by" not in html
    feed = result.feed
    feed.display_name = "Charlottesville Area AA"
    feed.save()
    html = client.get(f"/en/meetings/{meeting.pk}/").content.decode()
    assert "Listed by: Charlottesville Area AA." in html
    assert "m_hostile" not in html


def test_a_name_given_on_import_is_the_display_name(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps([_entry()]), encoding="utf-8")
    call_command("import_meetings", str(path), "--name", "Blue Ridge AA")
    feed = Feed.objects.get()
    assert (feed.name, feed.display_name) == ("Blue Ridge AA", "Blue Ridge AA")
