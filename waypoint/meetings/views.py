"""Meeting finder pages, .ics downloads and the published Meeting Guide feed (thin: the
work is in selectors, exports and formatting).

The finder's form posts; the search is kept server-side for an hour behind a random id
(waypoint.core.stash) and the browser goes to /<lang>/meetings/results/<id>/, so no place
or kind of meeting is ever in a URL, a history list or a log. The machine API
(/api/v1/meetings) keeps its query parameters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from icalendar.parser import Contentline, Parameters
from icalendar.prop import vText

from waypoint.core.stash import stash_get, stash_redirect
from waypoint.meetings import exports, formatting, selectors, timelogic
from waypoint.meetings.meeting_types import COMMON_TYPES, type_choices, type_label
from waypoint.meetings.models import DAYS, Fellowship, Meeting, validate_timezone

TZ_COOKIE = "wp_tz"
STASH_KIND = "meeting-search"
# Meetings per calendar file, and files offered per search (the page says so beyond that).
SEARCH_ICS_LIMIT = 100
ICS_MAX_PARTS = 10


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


# What a search is made of: the form's fields. Kept server-side (waypoint.core.stash), never in a URL.
_SEARCH_FIELDS = ("near", "radius", "online", "when", "day", "fellowship", "starting_within", "today")


def _search_params(data: QueryDict) -> dict[str, Any]:
    params: dict[str, Any] = {name: (data.get(name) or "")[:200] for name in _SEARCH_FIELDS}
    params["type"] = [code[:20] for code in data.getlist("type")[:50]]
    return params


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), 10_000)
    except ValueError:
        return 1


def _render(
    request: HttpRequest,
    *,
    query: selectors.MeetingQuery,
    errors: dict[str, str],
    when: str,
    result: selectors.SearchResult | None = None,
    results_key: str = "",
    expired: bool = False,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "results_key": results_key,
        "query": query,
        "errors": errors,
        "result": result,
        "cards": [meeting_card(h.meeting, next_start=h.next_start, distance=h.distance_miles) for h in result.hits]
        if result
        else [],
        "type_options": type_choices(COMMON_TYPES),
        "fellowships": Fellowship.choices,
        "days": [(d, formatting.day_name(d)) for d in DAYS],
        "when": when,
        "radii": [5, 10, 25, 50, 100],
        "expired": expired,
        "any_demo": Meeting.objects.filter(is_demo=True).exists(),
        "ics_parts": _ics_parts(result.count) if result else [],
        "ics_limit": SEARCH_ICS_LIMIT,
        "ics_capped": bool(result and result.count > SEARCH_ICS_LIMIT * ICS_MAX_PARTS),
    }
    # Pages of a stashed search: only the page number joins the opaque address.
    if result and query.page < result.pages:
        context["next_page"] = f"?page={query.page + 1}"
    if result and query.page > 1:
        context["previous_page"] = f"?page={query.page - 1}"
    return render(request, "meetings/search.html", context, status=status)


def _checked(params: Mapping[str, Any]) -> tuple[selectors.MeetingQuery, dict[str, str]]:
    query, errors = selectors.parse_query(params, list(params.get("type") or []))
    if not errors and not (query.place or query.online):
        # A list of in-person meetings anywhere helps nobody: ask where.
        errors["near"] = _("Enter a ZIP code or a city and state, or choose online meetings.")
    return query, errors


def _submit(request: HttpRequest, data: QueryDict) -> HttpResponse:
    """A good search is stashed and answered with a redirect to its opaque results
    address; a bad one gets the form again with its errors (nothing goes in a URL)."""
    params = _search_params(data)
    query, errors = _checked(params)
    if errors:
        return _render(request, query=query, errors=errors, when=params["when"], status=400)
    return stash_redirect(request, kind=STASH_KIND, data=params, to=lambda key: reverse("meetings:results", args=[key]))


@never_cache
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """The finder's form (GET) and its submission (POST → 303 to the results address)."""
    if request.method == "POST":
        return _submit(request, request.POST)
    if any(name in request.GET for name in (*_SEARCH_FIELDS, "type")):
        # An old bookmark or another site's link with the search in its query string:
        # served once, then the browser moves to the opaque address.
        return _submit(request, request.GET)
    return _render(request, query=selectors.MeetingQuery(), errors={}, when="soon")


def _expired(request: HttpRequest) -> HttpResponse:
    # Unknown, expired or another browser's: all the same, a fresh form.
    return _render(request, query=selectors.MeetingQuery(), errors={}, when="soon", expired=True, status=404)


@never_cache
@require_GET
def results(request: HttpRequest, key: str) -> HttpResponse:
    """A stashed search's meetings (an hour, this browser only), page by page. Times are
    worked out now, so "starting in the next 2 hours" stays true when the page is reloaded."""
    params = stash_get(request, kind=STASH_KIND, key=key)
    if params is None:
        return _expired(request)
    query, errors = _checked(params)
    if errors:
        return _render(request, query=query, errors=errors, when=params.get("when", ""), status=400)
    query.page = _page_number(request.GET.get("page"))
    result = selectors.search(query, now=timezone.now())
    return _render(request, query=query, errors={}, when=params.get("when", ""), result=result, results_key=key)


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


def _ics_parts(count: int) -> list[dict[str, int]]:
    """The calendar files a search's results come in: SEARCH_ICS_LIMIT meetings each."""
    parts = min(-(-count // SEARCH_ICS_LIMIT), ICS_MAX_PARTS)
    return [
        {"number": n, "first": (n - 1) * SEARCH_ICS_LIMIT + 1, "last": min(n * SEARCH_ICS_LIMIT, count)}
        for n in range(1, parts + 1)
    ]


def _calendar_note(body: bytes, text: str) -> bytes:
    """Adds a calendar-wide description (RFC 7986 DESCRIPTION, and X-WR-CALDESC, which
    more apps show) right after BEGIN:VCALENDAR, escaped and folded by icalendar."""
    lines = b"".join(
        Contentline.from_parts(name, Parameters(), vText(text)).to_ical() + b"\r\n"
        for name in ("DESCRIPTION", "X-WR-CALDESC")
    )
    head, sep, rest = body.partition(b"BEGIN:VCALENDAR\r\n")
    return head + sep + lines + rest


@never_cache
@require_GET
def results_ics(request: HttpRequest, key: str) -> HttpResponse:
    """A stashed search as .ics, SEARCH_ICS_LIMIT meetings per file (?part=2 for the next);
    the file says which meetings of how many it holds."""
    params = stash_get(request, kind=STASH_KIND, key=key)
    if params is None:
        return _expired(request)
    query, errors = _checked(params)
    if errors:
        return _expired(request)
    part = min(_page_number(request.GET.get("part")), ICS_MAX_PARTS)
    query.page, query.page_size = part, SEARCH_ICS_LIMIT
    now = timezone.now()
    result = selectors.search(query, now=now)
    first = (part - 1) * SEARCH_ICS_LIMIT + 1
    last = first + len(result.hits) - 1
    if result.count <= SEARCH_ICS_LIMIT:
        note = ngettext(
            "The one meeting from your Waypoint search.",
            "All %(count)s meetings from your Waypoint search.",
            result.count,
        ) % {"count": result.count}
    else:
        note = _(
            "Meetings %(first)s to %(last)s of the %(count)s from your Waypoint search. A calendar file holds "
            "up to %(limit)s: the others are in the other files on the search page."
        ) % {"first": first, "last": last, "count": result.count, "limit": SEARCH_ICS_LIMIT}
    note += " " + _("Meetings with no set day and time are left out.")
    body = exports.calendar_for([hit.meeting for hit in result.hits], now=now, url_for=lambda m: _absolute(request, m))
    filename = "meetings.ics" if part == 1 else f"meetings-{part}.ics"
    return _ics_response(_calendar_note(body, note), filename)


@require_GET
def feed_json(request: HttpRequest) -> JsonResponse:
    """Every real meeting Waypoint holds, as a Meeting Guide JSON feed."""
    entries = exports.meeting_guide_feed(selectors.meetings_for_feed(), url_for=lambda m: _absolute(request, m))
    response = JsonResponse(entries, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # other meeting apps read it from their own pages
    return response
