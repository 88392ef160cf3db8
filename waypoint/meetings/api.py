"""GET /api/v1/meetings (search) and /api/v1/meetings/{id}, through the same selector as
the pages, in the same shape as /api/v1/facilities.

Bad input answers 422 with {"detail": [{"loc": ["query", field], "msg": ..., "type": ...}]}.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from waypoint.core.access import Policy, api_access
from waypoint.core.apierrors import ERROR_RESPONSES, api_error
from waypoint.meetings import selectors, timelogic
from waypoint.meetings.models import Meeting

router = Router(tags=["meetings"])
DEMO_LABEL = "demo data — not real meetings"
_KNOWN = {"near", "radius", "day", "starting_within", "today", "online", "type", "fellowship", "page", "page_size"}


class MeetingOut(Schema):
    id: int
    name: str
    distance_miles: float | None = None
    latitude: float | None
    longitude: float | None
    approximate: bool
    location: str
    address: str
    day: int | list[int] | None = Field(description="0 = Sunday … 6; a list when it meets on several days")
    days: list[int]
    time: str | None = Field(description="HH:MM, local time in `timezone`")
    end_time: str | None
    timezone: str
    next_start: str | None = Field(description="next start, ISO 8601 in UTC")
    types: list[str]
    fellowship: str
    attendance: str
    online_url: str | None
    phone: str | None
    notes: str
    group: str
    is_demo: bool
    demo_label: str | None = None


class MeetingSearchOut(Schema):
    count: int
    page: int
    page_size: int
    place: str | None
    radius_miles: float | None
    results: list[MeetingOut]


class MeetingSearchQuery(Schema):
    # Bounds are in the schema (and so in the OpenAPI document), not only in the parser.
    near: str | None = Field(None, min_length=1, max_length=100, description="ZIP code, 'City, ST' or 'lat,lon'")
    radius: float | None = Field(None, ge=1, le=100, description="miles (1–100, default 10)")
    day: int | None = Field(None, ge=0, le=6, description="0 = Sunday … 6 = Saturday, in each meeting's own zone")
    starting_within: int | None = Field(None, ge=1, le=1440, description="minutes from now (1–1440)")
    today: bool | None = Field(None, description="meets today, in its own time zone")
    online: bool | None = Field(None, description="online or phone meetings only (place is not a filter)")
    type: list[str] = Field(default_factory=list, max_length=30, description="Meeting Guide type codes; all must match")
    fellowship: str | None = Field(
        None, max_length=20, description="NA, AA, SMART, HA, NARANON, ALANON, CA, CMA, OTHER"
    )
    page: int | None = Field(None, ge=1, le=1000, description="1–1000, default 1")
    page_size: int | None = Field(None, ge=1, le=100, description="1–100, default 20")


def meeting_out(meeting: Meeting, *, distance: float | None = None, next_start: Any = None) -> dict[str, Any]:
    days = meeting.days
    return {
        "id": meeting.pk,
        "name": meeting.name,
        "distance_miles": round(distance, 2) if distance is not None else None,
        "latitude": meeting.latitude,
        "longitude": meeting.longitude,
        "approximate": meeting.approximate,
        "location": meeting.location,
        "address": meeting.address,
        "day": days[0] if len(days) == 1 else (days or None),
        "days": days,
        "time": meeting.start_time.strftime("%H:%M") if meeting.start_time else None,
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "timezone": meeting.timezone,
        "next_start": next_start.isoformat() if next_start else None,
        "types": list(meeting.types),
        "fellowship": meeting.fellowship,
        "attendance": meeting.attendance,
        "online_url": meeting.online_url or None,
        "phone": meeting.phone or None,
        "notes": meeting.notes,
        "group": meeting.group,
        "is_demo": meeting.is_demo,
        "demo_label": DEMO_LABEL if meeting.is_demo else None,
    }


@router.get("", response={200: MeetingSearchOut, **ERROR_RESPONSES}, summary="Find support meetings")
@api_access(Policy.PUBLIC)
def meetings_search(request: HttpRequest, filters: Query[MeetingSearchQuery]) -> object:
    """Meetings near a place or online, starting soon, today or on a day (each meeting's
    own time zone), filtered by type codes and fellowship."""
    # The raw parameters go through the same parser as the page, so messages match.
    query, errors = selectors.parse_query(request.GET, request.GET.getlist("type"))
    errors.update({key: "Unknown parameter." for key in request.GET if key not in _KNOWN})
    if not errors and not (query.place or query.online):
        # Without a place or online=true a search would walk every meeting held.
        errors["near"] = "Give near=<ZIP | City, ST | lat,lon>, or online=true."
    if errors:
        items = [{"loc": ["query", k], "msg": str(v), "type": "invalid"} for k, v in errors.items()]
        return Status(422, {"detail": items})
    result = selectors.search(query, now=timezone.now())
    return {
        "count": result.count,
        "page": query.page,
        "page_size": query.page_size,
        "place": query.place.label if query.place else None,
        "radius_miles": query.radius if query.place and not query.online else None,
        "results": [meeting_out(h.meeting, distance=h.distance_miles, next_start=h.next_start) for h in result.hits],
    }


@router.get("/{meeting_id}", response={200: MeetingOut, **ERROR_RESPONSES}, summary="One support meeting")
@api_access(Policy.PUBLIC)
def meeting_detail(request: HttpRequest, meeting_id: int) -> object:
    meeting = selectors.meeting_get(meeting_id)
    if meeting is None:
        return api_error(404, loc=["path", "meeting_id"], msg="No such meeting.", type="not_found")
    next_start = timelogic.next_occurrence(meeting.days, meeting.start_time, meeting.timezone, timezone.now())
    return meeting_out(meeting, next_start=next_start)
