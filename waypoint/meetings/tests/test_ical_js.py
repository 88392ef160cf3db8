""".ics files read by ical.js itself (the calendar engine of Thunderbird and Nextcloud),
through node, across a DST change in three zones (issue 17 item 9).

ical.js read only the first value of a comma-separated RDATE line, so the VTIMEZONEs that
icalendar generates put every meeting an hour late for most of the year. Waypoint now
writes RRULE-based VTIMEZONEs; these tests expand each event with ical.js and compare
every occurrence with zoneinfo.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from waypoint.core.testing import skip_or_fail
from waypoint.meetings import timelogic
from waypoint.meetings.exports import calendar_for
from waypoint.meetings.models import Meeting, days_to_mask

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
ICAL_JS = ROOT / "node_modules" / "ical.js" / "dist" / "ical.js"
SCRIPT = Path(__file__).parent / "js" / "ical_occurrences.mjs"

# (zone, a moment a few days before a DST change there): the US spring change, Europe's
# autumn change, and the southern hemisphere's spring (Sydney moves forward in October).
CASES = [
    ("America/New_York", datetime(2027, 3, 10, 12, tzinfo=UTC)),
    ("Europe/London", datetime(2027, 10, 27, 12, tzinfo=UTC)),
    ("Australia/Sydney", datetime(2027, 9, 29, 12, tzinfo=UTC)),
    ("America/Edmonton", datetime(2027, 10, 31, 12, tzinfo=UTC)),
]


def _ical_js(ics: bytes, tmp_path: Path, until: datetime) -> dict[str, list[str]]:
    node = shutil.which("node")
    if node is None or not ICAL_JS.exists():
        skip_or_fail("node and ical.js (npm ci) are needed to read calendars as Thunderbird does")
    path = tmp_path / "meetings.ics"
    path.write_bytes(ics)
    done = subprocess.run(  # noqa: S603 - our own script, our own file
        [str(node), str(SCRIPT), str(path), until.isoformat()],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"ICAL_JS": str(ICAL_JS), "PATH": "/usr/bin:/bin"},
    )
    return dict(json.loads(done.stdout))


def _expected(meeting: Meeting, begin: datetime, until: datetime) -> list[str]:
    instants = timelogic.occurrences_between(meeting.days, meeting.start_time, meeting.timezone, begin, until)
    return [instant.strftime("%Y-%m-%dT%H:%M:%S.000Z") for instant in instants]


@pytest.mark.parametrize(("zone", "now"), CASES, ids=[zone for zone, _now in CASES])
def test_ical_js_puts_every_meeting_at_its_local_time_across_a_dst_change(
    zone: str, now: datetime, tmp_path: Path
) -> None:
    meetings = [
        MeetingFactory(timezone=zone, day_mask=days_to_mask([0, 3]), start_time=time(19, 0), end_time=time(20, 0)),
        # Early on the weekend, close to the changeover (changes happen on a Sunday).
        MeetingFactory(timezone=zone, day_mask=days_to_mask([0, 6]), start_time=time(7, 30), end_time=None),
    ]
    ics = calendar_for(meetings, now=now, url_for=lambda m: f"https://waypoint.example.org/en/meetings/{m.pk}/")
    until = now + timedelta(days=28)
    read = _ical_js(ics, tmp_path, until)
    for meeting in meetings:
        starts = read[f"meeting-{meeting.pk}@waypoint"]
        expected = _expected(meeting, now - timedelta(days=1), until)
        assert starts == expected, zone
        # The window crosses the change: the UTC times of the meeting moved by an hour.
        hours = {start[11:16] for start in starts}
        assert len(hours) == 2, hours


def test_the_calendar_uses_rrule_timezones_not_comma_separated_rdates() -> None:
    meetings = [MeetingFactory(timezone=zone) for zone, _now in CASES]
    ics = calendar_for(meetings, now=datetime(2027, 1, 5, tzinfo=UTC), url_for=lambda m: "")
    calendar = Calendar.from_ical(ics)
    zones = calendar.walk("VTIMEZONE")
    assert sorted(str(z["TZID"]) for z in zones) == sorted(zone for zone, _now in CASES)
    text = ics.decode()
    assert "RDATE" not in text
    assert text.count("RRULE:FREQ=YEARLY") == 2 * len(CASES)
    # Each VTIMEZONE comes before the events that use it.
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")


def test_a_zone_without_a_yearly_rule_lists_one_change_per_rdate_line(tmp_path: Path) -> None:
    meeting = MeetingFactory(timezone="Asia/Jerusalem", day_mask=days_to_mask([5]), start_time=time(18, 0))
    now = datetime(2027, 3, 20, tzinfo=UTC)
    ics = calendar_for([meeting], now=now, url_for=lambda m: "")
    rdates = [line for line in ics.decode().splitlines() if line.startswith("RDATE")]
    assert rdates
    assert all("," not in line for line in rdates)
    until = now + timedelta(days=21)
    assert _ical_js(ics, tmp_path, until)[f"meeting-{meeting.pk}@waypoint"] == _expected(
        meeting, now - timedelta(days=1), until
    )
