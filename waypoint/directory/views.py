"""Pages: /<lang>/treatment/ (search) and /<lang>/treatment/<id>/ (one facility).

Both work with JavaScript off. The place a person types (or their browser location) is
used for this one request only: never stored, never logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from waypoint.core.places import PlaceError, resolve_place

from . import codes as code_data
from .filters import FILTER_GROUPS, HIGHLIGHT_CODES
from .forms import ListingReportForm, SearchForm
from .models import Facility
from .selectors import DEFAULT_RADIUS, Hit, SearchPage, facility_search, facility_service_groups
from .services import listing_report_create

PAGE_SIZE = 20


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
    # Codes that arrive in a link (e.g. CO from the self-check) but have no box of their own
    # get a box in an extra fieldset, so they stay chosen when the form is sent again.
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


def _with_near(request: HttpRequest, near: str) -> str:
    query = request.GET.copy()
    query["near"] = near
    query.pop("page", None)
    return query.urlencode()


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f"?{query.urlencode()}"


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    language = get_language() or "en"
    form = SearchForm(request.GET or None)
    result: SearchPage | None = None
    place_label = ""
    place_choices: list[dict[str, str]] = []
    needs_place = False
    selected: list[str] = []
    if form.is_bound and form.is_valid():
        selected = form.cleaned_data["service"]
        near = form.cleaned_data["near"].strip()
        if not near:
            # e.g. the self-check links here with ?service=MU&service=BU: tick them, ask for a place.
            needs_place = True
        else:
            try:
                place = resolve_place(near)
            except PlaceError as exc:
                form.add_error("near", exc.message)
                # "Springfield" → links to each Springfield we know, with the same choices.
                place_choices = [
                    {"label": candidate, "url": "?" + _with_near(request, candidate)}
                    for candidate in exc.candidates[:8]
                ]
            else:
                place_label = place.label
                result = facility_search(
                    latitude=place.latitude,
                    longitude=place.longitude,
                    radius_miles=form.cleaned_data["radius"] or DEFAULT_RADIUS,
                    codes=selected,
                    page=form.cleaned_data["page"] or 1,
                    page_size=PAGE_SIZE,
                    widen=True,
                )
    elif form.is_bound:
        selected = [code for code in request.GET.getlist("service") if code_data.canonical_code(code)]
    rows = [_row(hit, language) for hit in result.hits] if result else []
    context = {
        "form": form,
        "groups": _filter_groups(selected, language),
        "result": result,
        "rows": rows,
        "place_label": place_label,
        "needs_place": needs_place,
        "place_choices": place_choices,
        "any_demo": any(row.facility.is_demo for row in rows),
        # The filters fold away after a search; say which ones apply.
        "chosen_labels": [code_data.label(code, language) for code in selected] if result else [],
        "next_url": _page_url(request, result.page + 1) if result and result.has_next else "",
        "previous_url": _page_url(request, result.page - 1) if result and result.has_previous else "",
    }
    return render(request, "directory/search.html", context)


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
    listing_report_create(facility=place, problem=form.cleaned_data["problem"], details=form.cleaned_data["details"])
    messages.success(request, _("Thank you. We will check this listing."))
    return redirect("directory:facility", facility_id=place.pk)
