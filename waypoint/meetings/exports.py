"""What Waypoint writes about meetings: iCalendar (.ics) and a Meeting Guide JSON feed.

The feed follows the Meeting Guide specification (name and slug required; day 0–6 or an
array; time HH:MM; type codes from the table). Waypoint never stores members' names, so
no contact names can leak into it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from waypoint.meetings import timelogic
from waypoint.meetings.models import Meeting

_ICAL_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
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
    for meeting in meetings:
        event = _event(meeting, now=now, url=url_for(meeting))
        if event is not None:
            calendar.add_component(event)
    calendar.add_missing_timezones()
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
    entry["types"] = list(meeting.types)
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
        "conference_phone": meeting.phone,
        "conference_phone_notes": meeting.phone_notes,
        "group": meeting.group,
        "region": meeting.region,
        "url": url,
    }
    entry.update({key: value for key, value in optional.items() if value})
    if meeting.latitude is not None and meeting.longitude is not None:
        entry["latitude"] = meeting.latitude
        entry["longitude"] = meeting.longitude
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
