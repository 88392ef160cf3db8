"""Meeting finder pages, .ics downloads and the published Meeting Guide feed (thin: the
work is in selectors, exports and formatting)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from waypoint.meetings import exports, formatting, selectors, timelogic
from waypoint.meetings.meeting_types import COMMON_TYPES, type_choices, type_label
from waypoint.meetings.models import DAYS, Fellowship, Meeting, validate_timezone

TZ_COOKIE = "wp_tz"
SEARCH_ICS_LIMIT = 100


def _viewer_zone(request: HttpRequest) -> str:
    """The zone the person asked for (?tz= or the cookie the page's script sets), if valid."""
    for value in (request.GET.get("tz", ""), request.COOKIES.get(TZ_COOKIE, "")):
        value = value.strip()[:64]
        if value:
            try:
                validate_timezone(value)
            except Exception:  # noqa: S112 - an unknown zone is simply not used
                continue
            return value
    return ""


def meeting_card(meeting: Meeting, *, next_start: Any = None, distance: float | None = None) -> dict[str, Any]:
    """What a page shows about a meeting, already in words."""
    return {
        "meeting": meeting,
        "days": formatting.days_label(meeting.days),
        "time": formatting.time_label(meeting.start_time),
        "end_time": formatting.time_label(meeting.end_time),
        "zone": meeting.timezone,
        "next_label": formatting.occurrence_label(next_start, meeting.timezone) if next_start else "",
        "next_iso": next_start.isoformat() if next_start else "",
        "distance": distance,
        "types": [type_label(code) for code in meeting.types],
        "fellowship": meeting.get_fellowship_display(),
        "attendance": meeting.get_attendance_display(),
    }


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query, errors = selectors.parse_query(request.GET, request.GET.getlist("type"))
    result = None
    if request.GET and not errors and not (query.place or query.online):
        # A list of in-person meetings anywhere helps nobody: ask where.
        errors["near"] = _("Enter a ZIP code or a city and state, or choose online meetings.")
    if request.GET and not errors:
        result = selectors.search(query, now=timezone.now())
    context = {
        "query": query,
        "errors": errors,
        "result": result,
        "cards": [meeting_card(h.meeting, next_start=h.next_start, distance=h.distance_miles) for h in result.hits]
        if result
        else [],
        "type_options": type_choices(COMMON_TYPES),
        "fellowships": Fellowship.choices,
        "days": [(d, formatting.day_name(d)) for d in DAYS],
        "when": request.GET.get("when", "soon" if not request.GET else ""),
        "radii": [5, 10, 25, 50, 100],
        "query_string": request.GET.urlencode(),
        "any_demo": Meeting.objects.filter(is_demo=True).exists(),
    }
    if result and query.page < result.pages:
        params = request.GET.copy()
        params["page"] = str(query.page + 1)
        context["next_page"] = params.urlencode()
    if result and query.page > 1:
        params = request.GET.copy()
        params["page"] = str(query.page - 1)
        context["previous_page"] = params.urlencode()
    return render(request, "meetings/search.html", context, status=400 if errors else 200)


def _get_meeting(pk: int) -> Meeting:
    meeting = selectors.meeting_get(pk)
    if meeting is None:
        raise Http404
    return meeting


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    now = timezone.now()
    next_start = timelogic.next_occurrence(meeting.days, meeting.start_time, meeting.timezone, now)
    viewer_zone = _viewer_zone(request)
    context = {
        "card": meeting_card(meeting, next_start=next_start),
        "meeting": meeting,
        "viewer_zone": viewer_zone if viewer_zone != meeting.timezone else "",
        "viewer_label": formatting.occurrence_label(next_start, viewer_zone) if next_start and viewer_zone else "",
        "in_progress": _in_progress(meeting, now),
        "has_place": bool(meeting.address or meeting.latitude is not None)
        and meeting.attendance != Meeting.Attendance.ONLINE,
        "map_query": f"{meeting.latitude},{meeting.longitude}" if meeting.latitude is not None else meeting.address,
    }
    return render(request, "meetings/detail.html", context)


def _in_progress(meeting: Meeting, now: datetime) -> bool:
    """Started and not yet over (an hour when the feed gives no end time)."""
    started = timelogic.occurrences_between(
        meeting.days, meeting.start_time, meeting.timezone, now - timedelta(hours=3), now
    )
    if not started or meeting.start_time is None:
        return False
    length = timedelta(hours=1)
    if meeting.end_time is not None:
        length = datetime.combine(date.min, meeting.end_time) - datetime.combine(date.min, meeting.start_time)
        length = length if length > timedelta(0) else length + timedelta(days=1)
    return started[-1] + length > now


def _absolute(request: HttpRequest, meeting: Meeting) -> str:
    return request.build_absolute_uri(reverse("meetings:detail", args=[meeting.pk]))


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    if not meeting.days or meeting.start_time is None:
        raise Http404("This meeting has no set day and time.")
    body = exports.calendar_for([meeting], now=timezone.now(), url_for=lambda m: _absolute(request, m))
    return _ics_response(body, "meeting.ics")


@require_GET
def search_ics(request: HttpRequest) -> HttpResponse:
    query, errors = selectors.parse_query(request.GET, request.GET.getlist("type"))
    if errors or not (query.place or query.online):
        return JsonResponse({"detail": [{"loc": ["query", k], "msg": v} for k, v in errors.items()]}, status=400)
    query.page, query.page_size = 1, SEARCH_ICS_LIMIT
    result = selectors.search(query, now=timezone.now())
    meetings = [hit.meeting for hit in result.hits]
    body = exports.calendar_for(meetings, now=timezone.now(), url_for=lambda m: _absolute(request, m))
    return _ics_response(body, "meetings.ics")


@require_GET
def feed_json(request: HttpRequest) -> JsonResponse:
    """Every real meeting Waypoint holds, as a Meeting Guide JSON feed."""
    entries = exports.meeting_guide_feed(selectors.meetings_for_feed(), url_for=lambda m: _absolute(request, m))
    response = JsonResponse(entries, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # other meeting apps read it from their own pages
    return response
