"""Reads for meetings: the finder's search (shared by the pages and the API) and lookups.

Time filters are computed in each meeting's own time zone: the database narrows by
weekday per zone, then exact instants are checked in Python (timelogic), which is what
makes DST days and meetings after midnight right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from waypoint.core.places import Place, PlaceError, bounding_box, distance_miles, resolve_place
from waypoint.meetings import timelogic
from waypoint.meetings.meeting_types import is_known
from waypoint.meetings.models import Fellowship, Meeting, masks_with_day

DEFAULT_RADIUS = 10.0
MAX_RADIUS = 100.0
SOON_MINUTES = 120
MAX_PAGE_SIZE = 100
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"", "0", "false", "off", "no"}


@dataclass
class MeetingQuery:
    place: Place | None = None
    near: str = ""
    radius: float = DEFAULT_RADIUS
    day: int | None = None
    today: bool = False
    starting_within: int | None = None
    online: bool = False
    types: list[str] = field(default_factory=list)
    fellowship: str = ""
    page: int = 1
    page_size: int = 20

    @property
    def is_empty(self) -> bool:
        return not (self.place or self.online or self.day is not None or self.today or self.starting_within)


@dataclass
class MeetingHit:
    meeting: Meeting
    distance_miles: float | None
    next_start: datetime | None


@dataclass
class SearchResult:
    query: MeetingQuery
    count: int
    hits: list[MeetingHit]

    @property
    def pages(self) -> int:
        return Paginator(range(self.count), self.query.page_size).num_pages


def _int(params: Mapping[str, str], key: str, low: int, high: int, errors: dict[str, str]) -> int | None:
    raw = (params.get(key) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        errors[key] = _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        return None
    return value


def parse_query(params: Mapping[str, str], types: list[str] | None = None) -> tuple[MeetingQuery, dict[str, str]]:
    """Reads the finder's GET parameters (pages and API alike). Returns the query and a
    field → message dict of problems; the caller shows them and does not search."""
    errors: dict[str, str] = {}
    query = MeetingQuery()
    query.near = (params.get("near") or "").strip()
    if query.near:
        try:
            query.place = resolve_place(query.near)
        except PlaceError as exc:
            errors["near"] = exc.message
    raw_radius = (params.get("radius") or "").strip()
    if raw_radius:
        try:
            query.radius = float(raw_radius)
            if not 0 < query.radius <= MAX_RADIUS:
                raise ValueError
        except ValueError:
            errors["radius"] = _("Enter a distance from 1 to %(max)s miles.") % {"max": int(MAX_RADIUS)}
    query.day = _int(params, "day", 0, 6, errors)
    query.starting_within = _int(params, "starting_within", 1, 24 * 60, errors)
    when = (params.get("when") or "").strip()
    if when == "soon" and query.starting_within is None:
        query.starting_within = SOON_MINUTES
    elif when == "today":
        query.today = True
    elif when not in {"", "any", "soon", "day"}:
        errors["when"] = _("Choose when from the list.")
    for key in ("online", "today"):
        raw = (params.get(key) or "").strip().lower()
        if raw not in _TRUE | _FALSE:
            errors[key] = _("Use true or false.")
        elif raw in _TRUE:
            setattr(query, key, True)
    for code in types if types is not None else []:
        if not is_known(code):
            errors["type"] = _("“%(code)s” is not a meeting type code.") % {"code": code[:20]}
        elif code not in query.types:
            query.types.append(code)
    query.fellowship = (params.get("fellowship") or "").strip()
    if query.fellowship and query.fellowship not in Fellowship.values:
        errors["fellowship"] = _("Choose a fellowship from the list.")
    query.page = _int(params, "page", 1, 10_000, errors) or 1
    query.page_size = _int(params, "page_size", 1, MAX_PAGE_SIZE, errors) or 20
    return query, errors


def _time_filter(queryset: QuerySet[Meeting], query: MeetingQuery, now: datetime) -> QuerySet[Meeting]:
    if query.day is not None:
        queryset = queryset.filter(day_mask__in=masks_with_day(query.day))
    if query.today or query.starting_within:
        end = now + timedelta(minutes=query.starting_within or 0)
        conditions = []
        for zone in queryset.order_by().values_list("timezone", flat=True).distinct():
            if query.today:
                today = timelogic.weekday_of(timelogic.local_today(zone, now))
                conditions.append(Q(timezone=zone, day_mask__in=masks_with_day(today)))
                continue
            for day, low, high in timelogic.wall_ranges(zone, now, end):
                conditions.append(
                    Q(timezone=zone, day_mask__in=masks_with_day(day), start_time__gte=low, start_time__lte=high)
                )
        queryset = queryset.filter(reduce(or_, conditions)) if conditions else queryset.none()
    return queryset


def search(query: MeetingQuery, *, now: datetime) -> SearchResult:
    queryset = Meeting.objects.exclude(attendance=Meeting.Attendance.INACTIVE)
    if query.online:
        queryset = queryset.filter(attendance__in=[Meeting.Attendance.ONLINE, Meeting.Attendance.HYBRID])
    elif query.place:
        min_lat, max_lat, min_lon, max_lon = bounding_box(query.place.latitude, query.place.longitude, query.radius)
        queryset = queryset.filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon))
    if query.fellowship:
        queryset = queryset.filter(fellowship=query.fellowship)
    queryset = _time_filter(queryset, query, now)
    hits = []
    for meeting in queryset:
        if query.types and not set(query.types) <= set(meeting.types):
            continue  # JSON containment is not portable to SQLite: checked here
        distance = None
        if query.place and meeting.latitude is not None and meeting.longitude is not None:
            distance = distance_miles(query.place.latitude, query.place.longitude, meeting.latitude, meeting.longitude)
            if not query.online and distance > query.radius:
                continue
        if query.starting_within:
            found = timelogic.occurrences_between(
                meeting.days, meeting.start_time, meeting.timezone, now, now + timedelta(minutes=query.starting_within)
            )
            if not found:
                continue
            next_start: datetime | None = found[0]
        elif query.today and meeting.start_time is not None:
            # Today's meeting, even if it began already: "tonight" lists read in clock order.
            today = timelogic.local_today(meeting.timezone, now)
            next_start = timelogic.occurrence(today, meeting.start_time, meeting.timezone)
        else:
            next_start = timelogic.next_occurrence(meeting.days, meeting.start_time, meeting.timezone, now)
        hits.append(MeetingHit(meeting, distance, next_start))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    if query.day is not None:
        hits.sort(key=lambda h: (h.meeting.start_time is None, h.meeting.start_time or 0, h.distance_miles or 0))
    elif query.place and not query.starting_within and not query.online:
        hits.sort(key=lambda h: (h.distance_miles or 0, h.next_start or far))
    else:
        hits.sort(key=lambda h: (h.next_start or far, h.distance_miles or 0))
    paginator = Paginator(hits, query.page_size)
    # A page past the end is empty, not the last page (get_page would clamp it).
    shown = list(paginator.page(query.page)) if query.page <= paginator.num_pages else []
    return SearchResult(query=query, count=len(hits), hits=shown)


def meeting_get(meeting_id: int) -> Meeting | None:
    return Meeting.objects.select_related("feed").filter(pk=meeting_id).first()


def meetings_for_feed() -> QuerySet[Meeting]:
    """Every real meeting Waypoint holds, for the Meeting Guide feed it publishes."""
    return Meeting.objects.filter(is_demo=False).order_by("pk")
