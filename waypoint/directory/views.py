"""Pages: /<lang>/treatment/ (the search form), /<lang>/treatment/results/<id>/ (a search's
results) and /<lang>/treatment/<id>/ (one facility).

All work with JavaScript off. Nothing a person searched for goes in a URL: the form posts,
the search is kept server-side for an hour behind a random id (waypoint.core.stash), and
the browser is redirected to that id's address, so history, bookmarks and logs hold only
the id. The place typed (or the browser location) is never stored beyond that hour, nor
logged. Every search page is sent with Cache-Control: no-store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.core.places import PlaceError, resolve_place
from waypoint.core.stash import stash_get, stash_redirect

from . import codes as code_data
from .filters import FILTER_GROUPS, HIGHLIGHT_CODES
from .forms import ListingReportForm, SearchForm
from .models import Facility
from .reports import ListingReportRefused, client_address, listing_report_submit
from .selectors import DEFAULT_RADIUS, Hit, SearchPage, facility_search, facility_service_groups

PAGE_SIZE = 20
MAX_PAGE = 1000
STASH_KIND = "treatment-search"


def tel_href(number: str) -> str:
    """ "860-276-3000 x301" → "tel:+18602763000" (the extension is shown as text)."""
    main = re.split(r"[xX]|ext", number, maxsplit=1)[0]
    digits = re.sub(r"\D", "", main)
    if len(digits) == 10:
        digits = "1" + digits
    return f"tel:+{digits}" if digits else ""


def directions_href(facility: Facility) -> str:
    # A plain link that opens the person's own map app or site; nothing is embedded.
    return "https://www.google.com/maps/dir/?" + urlencode(
        {"api": "1", "destination": f"{facility.latitude:.6f},{facility.longitude:.6f}"}
    )


@dataclass(frozen=True)
class ResultRow:
    facility: Facility
    distance_miles: float
    highlights: list[str]
    call_number: str
    call_href: str
    directions_href: str


def _row(hit: Hit, language: str) -> ResultRow:
    facility = hit.facility
    offered = set(facility.code_list)
    return ResultRow(
        facility=facility,
        distance_miles=hit.distance_miles,
        # A mental-health-only place says so first: most people here look for substance use care.
        highlights=([code_data.label("MH", language)] if "MH" in offered and "SA" not in offered else [])
        + [code_data.label(code, language) for code in HIGHLIGHT_CODES if code in offered],
        call_number=facility.call_number,
        call_href=tel_href(facility.call_number),
        directions_href=directions_href(facility),
    )


def _filter_groups(selected: list[str], language: str) -> list[dict[str, Any]]:
    shown = {code for group in FILTER_GROUPS for code in group.codes}
    # Codes that arrive from another page (e.g. CO from the decision aid) but have no box
    # of their own get a box in an extra fieldset, so they stay chosen when the form is sent again.
    extra = [code for code in selected if code not in shown]
    other = (
        [
            {
                "key": "other",
                "legend": _("Also chosen"),
                "options": [
                    {"code": code, "label": code_data.label(code, language), "checked": True} for code in extra
                ],
            }
        ]
        if extra
        else []
    )
    return other + [
        {
            "key": group.key,
            "legend": group.legend,
            "options": [
                {"code": code, "label": code_data.label(code, language), "checked": code in selected}
                for code in group.codes
            ],
        }
        for group in FILTER_GROUPS
    ]


def _page_number(raw: str | None) -> int:
    """?page=N on a results address (the only thing a results URL says besides its id)."""
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def _render(
    request: HttpRequest,
    form: SearchForm,
    *,
    selected: list[str],
    result: SearchPage | None = None,
    place_label: str = "",
    place_choices: list[str] | None = None,
    needs_place: bool = False,
    expired: bool = False,
    status: int = 200,
) -> HttpResponse:
    language = get_language() or "en"
    rows = [_row(hit, language) for hit in result.hits] if result else []
    context = {
        "form": form,
        "groups": _filter_groups(selected, language),
        "selected": selected,
        "result": result,
        "rows": rows,
        "place_label": place_label,
        "needs_place": needs_place,
        "place_choices": place_choices or [],
        "expired": expired,
        "any_demo": any(row.facility.is_demo for row in rows),
        # The filters fold away after a search; say which ones apply.
        "chosen_labels": [code_data.label(code, language) for code in selected] if result else [],
        # Pages of a stashed search: only the page number joins the opaque address.
        "next_url": f"?page={result.page + 1}" if result and result.has_next else "",
        "previous_url": f"?page={result.page - 1}" if result and result.has_previous else "",
    }
    return render(request, "directory/search.html", context, status=status)


def _selected_from(data: QueryDict) -> list[str]:
    """The known codes among what was sent, to tick them again beside an error."""
    return sorted({code for value in data.getlist("service") if (code := code_data.canonical_code(value))})


def _submit(request: HttpRequest, data: QueryDict) -> HttpResponse:
    """Checks a search; a good one is stashed and answered with a redirect to its opaque
    results address, anything else with the form again (no redirect, nothing in a URL)."""
    form = SearchForm(data)
    if not form.is_valid():
        return _render(request, form, selected=_selected_from(data), status=400)
    selected = form.cleaned_data["service"]
    near = form.cleaned_data["near"].strip()
    if near:
        try:
            resolve_place(near)
        except PlaceError as exc:
            form.add_error("near", exc.message)
            # "Springfield" → a button for each Springfield we know, with the same choices.
            return _render(request, form, selected=selected, place_choices=exc.candidates[:8], status=400)
    # Without a place (the decision aid sends only services) the results address asks for one.
    search = {
        "near": near,
        "radius": form.cleaned_data["radius"],
        "service": selected,
        "soon": form.cleaned_data["soon"],
    }
    return stash_redirect(
        request, kind=STASH_KIND, data=search, to=lambda key: reverse("directory:results", args=[key])
    )


@never_cache
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """The search form (GET) and its submission (POST → 303 to the results address)."""
    if request.method == "POST":
        return _submit(request, request.POST)
    if any(name in request.GET for name in ("near", "service", "radius")):
        # An old bookmark or another site's link with the search in its query string:
        # served once, then the browser moves to the opaque address (nothing of Waypoint's
        # own makes such links any more).
        return _submit(request, request.GET)
    return _render(request, SearchForm(), selected=[])


@never_cache
@require_GET
def results(request: HttpRequest, key: str) -> HttpResponse:
    """A stashed search's results (an hour, this browser only), page by page."""
    search = stash_get(request, kind=STASH_KIND, key=key)
    if search is None:
        # Unknown, expired or another browser's: all the same, a fresh form.
        return _render(request, SearchForm(), selected=[], expired=True, status=404)
    data = {"near": search.get("near", ""), "service": search.get("service", []), "soon": bool(search.get("soon"))}
    if search.get("radius"):
        data["radius"] = search["radius"]
    form = SearchForm(data)
    if not form.is_valid():
        return _render(request, SearchForm(), selected=[], expired=True, status=404)
    selected = form.cleaned_data["service"]
    if not form.cleaned_data["near"].strip():
        # Services chosen elsewhere (the decision aid): tick them, ask for a place.
        return _render(request, form, selected=selected, needs_place=True)
    try:
        place = resolve_place(form.cleaned_data["near"])
    except PlaceError as exc:
        form.add_error("near", exc.message)
        return _render(request, form, selected=selected, status=400)
    result = facility_search(
        latitude=place.latitude,
        longitude=place.longitude,
        radius_miles=form.cleaned_data["radius"] or DEFAULT_RADIUS,
        codes=selected,
        page=_page_number(request.GET.get("page")),
        page_size=PAGE_SIZE,
        widen=True,
        # "Can see me soon": only those places, soonest first.
        soon=form.cleaned_data["soon"],
        sort="soon" if form.cleaned_data["soon"] else "distance",
    )
    return _render(request, form, selected=selected, result=result, place_label=place.label)


def _questions(facility: Facility) -> list[str]:
    offered = set(facility.code_list)
    questions = [
        _("Can I get an appointment soon? Is there a waiting list?"),
        _("What does it cost for me? Do you take my insurance or Medicaid?"),
    ]
    if offered & {"MU", "BU", "NU", "OTP"}:
        questions.append(_("Which medicines for opioid use do you offer, and can I start them at my first visit?"))
    else:
        questions.append(_("Do you offer medicine for opioid use, or can you help me find a place that does?"))
    if not offered & {"SS", "NP", "PA"}:
        questions.append(_("Do you have a sliding fee or help paying?"))
    questions += [
        _("What should I bring to my first visit (ID, insurance card, medicine list)?"),
        _("Do you have services in my language?"),
    ]
    return questions


@require_GET
def facility(request: HttpRequest, facility_id: int) -> HttpResponse:
    place = get_object_or_404(Facility, pk=facility_id)
    return _facility_page(request, place, ListingReportForm())


def _facility_page(
    request: HttpRequest, place: Facility, report_form: ListingReportForm, status: int = 200
) -> HttpResponse:
    language = get_language() or "en"
    context = {
        "facility": place,
        "groups": facility_service_groups(place, language),
        "questions": _questions(place),
        "call_number": place.call_number,
        "call_href": tel_href(place.call_number),
        "directions_href": directions_href(place),
        "report_form": report_form,
    }
    return render(request, "directory/facility.html", context, status=status)


@require_POST
def report(request: HttpRequest, facility_id: int) -> HttpResponse:
    place = get_object_or_404(Facility, pk=facility_id)
    form = ListingReportForm(request.POST)
    if not form.is_valid():
        return _facility_page(request, place, form, status=400)
    try:
        listing_report_submit(
            facility=place,
            problem=form.cleaned_data["problem"],
            details=form.cleaned_data["details"],
            address=client_address(request),
        )
    except ListingReportRefused:
        form.add_error(None, _("We have had many reports in the last hour. Please try again later. Thank you."))
        response = _facility_page(request, place, form, status=429)
        response["Retry-After"] = "3600"
        return response
    messages.success(request, _("Thank you. We will check this listing."))
    return redirect("directory:facility", facility_id=place.pk)
