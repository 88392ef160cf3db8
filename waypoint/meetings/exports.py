"""What Waypoint writes about meetings: iCalendar (.ics) and a Meeting Guide JSON feed.

The feed follows the Meeting Guide specification (name and slug required; day 0–6 or an
array; time HH:MM; type codes from the spec's list; `approximate` "yes" when the place is
not a street address; `updated` in UTC) and is checked against TSML UI's rules in the
tests. Waypoint never stores members' names, so no contact names can leak into it.

Calendars carry RRULE-based VTIMEZONEs (vtimezone.py), which ical.js reads correctly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from waypoint.meetings import timelogic
from waypoint.meetings.importers.common import conference_phone
from waypoint.meetings.meeting_types import is_known
from waypoint.meetings.models import Meeting
from waypoint.meetings.vtimezone import vtimezone

_ICAL_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
PASSED_THROUGH = frozenset({
    "regions", "group_notes", "website", "venmo", "square", "paypal", "feedback_url", "feedback_emails", "entity",
    "entity_email", "entity_feedback_emails", "entity_location", "entity_logo", "entity_phone", "entity_url",
    "entity_website_url",
})  # fmt: skip
DEFAULT_DURATION = timedelta(hours=1)


def _event(meeting: Meeting, *, now: datetime, url: str) -> Event | None:
    first = timelogic.next_occurrence(meeting.days, meeting.start_time, meeting.timezone, now - timedelta(days=1))
    if first is None or meeting.start_time is None:
        return None
    zone = ZoneInfo(meeting.timezone)
    start_local = first.astimezone(zone).replace(tzinfo=None)
    start_local = datetime.combine(start_local.date(), meeting.start_time)
    end_local = start_local + DEFAULT_DURATION
    if meeting.end_time is not None:
        end_local = datetime.combine(start_local.date(), meeting.end_time)
        if end_local <= start_local:
            end_local += timedelta(days=1)  # ends after midnight
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@waypoint")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("summary", meeting.name)
    event.add("dtstart", start_local.replace(tzinfo=zone))
    event.add("dtend", end_local.replace(tzinfo=zone))
    event.add("rrule", vRecur(freq="WEEKLY", byday=[_ICAL_DAYS[d] for d in meeting.days]))
    place = meeting.address if meeting.attendance != Meeting.Attendance.ONLINE else ""
    if place or meeting.online_url:
        event.add("location", ", ".join(p for p in [meeting.location, place] if p) or meeting.online_url)
    description = [meeting.notes, meeting.online_url and f"Join online: {meeting.online_url}", url]
    event.add("description", "\n\n".join(p for p in description if p))
    if url:
        event.add("url", url)
    return event


def calendar_for(meetings: Iterable[Meeting], *, now: datetime, url_for: Callable[[Meeting], str]) -> bytes:
    """One VCALENDAR with a weekly VEVENT per meeting (with its TZID and VTIMEZONE)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Waypoint//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    events, zones = [], []
    for meeting in meetings:
        event = _event(meeting, now=now, url=url_for(meeting))
        if event is not None:
            events.append(event)
            if meeting.timezone not in zones:
                zones.append(meeting.timezone)
    # Each zone's VTIMEZONE before the events that use it (RFC 5545 §3.6.5).
    for zone in zones:
        calendar.add_component(vtimezone(zone, today=now.date()))
    for event in events:
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def feed_entry(meeting: Meeting, *, slug: str, url: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": meeting.name, "slug": slug}
    days = meeting.days
    if days and meeting.start_time is not None:
        entry["day"] = days[0] if len(days) == 1 else days
        entry["time"] = meeting.start_time.strftime("%H:%M")
        if meeting.end_time is not None:
            entry["end_time"] = meeting.end_time.strftime("%H:%M")
    entry["timezone"] = meeting.timezone
    # Only the spec's codes: TSML UI drops others (and ONL, which is no type any more).
    entry["types"] = [code for code in meeting.types if is_known(code)]
    entry["fellowship"] = meeting.fellowship  # not in the spec; other apps ignore it
    entry["attendance_option"] = meeting.attendance
    optional = {
        "notes": meeting.notes,
        "location": meeting.location,
        "location_notes": meeting.location_notes,
        "formatted_address": meeting.address,
        "postal_code": meeting.postal_code,
        "conference_url": meeting.online_url,
        "conference_url_notes": meeting.online_notes,
        # Digits and + , * # only (older imports may hold a passcode with letters).
        "conference_phone": conference_phone(meeting.phone)[0] if meeting.phone else "",
        "conference_phone_notes": meeting.phone_notes,
        "group": meeting.group,
        "region": meeting.region,
        "url": url,
    }
    entry.update({key: value for key, value in optional.items() if value})
    # regions, group_notes, website, contribution handles, feedback, entity: as the
    # source gave them (checked on import).
    entry.update({key: value for key, value in meeting.extra.items() if key in PASSED_THROUGH and value})
    if meeting.latitude is not None and meeting.longitude is not None and not meeting.approximate:
        entry["latitude"] = meeting.latitude
        entry["longitude"] = meeting.longitude
    if meeting.address:
        # The source's own value, or "yes" for a place that is not a street address
        # (decided on import): TSML UI then shows no directions for an online meeting.
        entry["approximate"] = "yes" if meeting.approximate else "no"
    updated = meeting.source_updated or meeting.updated_at
    entry["updated"] = updated.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return entry


def meeting_guide_feed(meetings: Iterable[Meeting], *, url_for: Callable[[Meeting], str]) -> list[dict[str, Any]]:
    """The spec wants slugs unique within a feed; two feeds may use the same one."""
    entries = []
    used: set[str] = set()
    for meeting in meetings:
        slug = meeting.slug
        if slug in used:
            slug = f"{meeting.slug}-{meeting.pk}"
        used.add(slug)
        entries.append(feed_entry(meeting, slug=slug, url=url_for(meeting)))
    return entries
