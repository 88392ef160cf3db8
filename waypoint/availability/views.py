"""Facility staff pages: the staff home, asking to manage a listing, today's availability
(the page staff open on a phone: one small form), the team, and the audit log.

Every page of one facility goes through ``gate.facility_staff_page`` (the chokepoint, then
two-step sign-in) and is sent with Cache-Control: no-store.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts import selectors as account_selectors
from waypoint.directory.models import Facility

from . import display, rules, selectors, services
from .forms import AvailabilityForm, StaffRequestForm
from .gate import facility_staff_page, signed_in
from .models import FacilityStaff


def _apply(form: AvailabilityForm | StaffRequestForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in person's facilities, and the requests still waiting for a check."""
    rows = selectors.staff_rows_of(user=request.user)
    return render(
        request,
        "availability/home.html",
        {
            "active": [row for row in rows if row.status == FacilityStaff.Status.ACTIVE],
            "waiting": [row for row in rows if row.status == FacilityStaff.Status.REQUESTED],
            "totp_enabled": account_selectors.totp_enabled(user=signed_in(request)),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, facility_id: int) -> HttpResponse:
    """Ask to manage a listing: the one form in Waypoint that asks for a real name."""
    facility = get_object_or_404(Facility, pk=facility_id)
    already = selectors.live_row_for(user=request.user, facility_id=facility.pk)
    form = StaffRequestForm(request.POST or None)
    if request.method == "POST" and already is None and form.is_valid():
        try:
            services.staff_request_create(
                user=request.user,
                facility_id=facility.pk,
                language=get_language() or "en",
                **form.cleaned_data,
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Thank you. We will call the number on the listing to check, then let you in."))
            return redirect("availability:home")
    context = {
        "facility": facility,
        "form": form,
        "already": already,
        "totp_enabled": account_selectors.totp_enabled(user=signed_in(request)),
    }
    return render(request, "availability/ask.html", context, status=400 if form.errors else 200)


@facility_staff_page()
@require_http_methods(["GET", "POST"])
def facility(request: HttpRequest, staff: FacilityStaff) -> HttpResponseBase:
    """Today's availability: the last answers are the defaults, so a check-in is one tap."""
    row = selectors.availability_of(facility_id=staff.facility_id)
    if request.method == "POST" and request.POST.get("same") and row is not None:
        data = AvailabilityForm.initial_from(row)
        form = AvailabilityForm(data)
    else:
        form = AvailabilityForm(request.POST or None, initial=AvailabilityForm.initial_from(row))
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_update(staff=staff, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Saved. People who look for this place now see it."))
            return redirect("availability:facility", facility_id=staff.facility_id)
    context = {
        "staff": staff,
        "facility": staff.facility,
        "form": form,
        "row": row,
        "line": display.line_for(staff.facility) if row else None,
        "current": "facility",
        "fresh_days": rules.FRESH_DAYS,
        "drop_days": rules.DROP_DAYS,
    }
    return render(request, "availability/facility.html", context, status=400 if form.errors else 200)


@facility_staff_page()
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, staff: FacilityStaff) -> HttpResponseBase:
    """Who manages this listing; e-mail notices; a facility admin may remove someone."""
    if request.method == "POST":
        services.staff_notices_set(staff=staff, on=request.POST.get("notices") == "on")
        messages.success(request, _("Your e-mail notices are saved."))
        return redirect("availability:team", facility_id=staff.facility_id)
    context = {"staff": staff, "facility": staff.facility, "team": selectors.team_of(staff=staff), "current": "team"}
    return render(request, "availability/team.html", context)


@facility_staff_page(post_only=True)
def team_remove(request: HttpRequest, staff: FacilityStaff, staff_id: int) -> HttpResponseBase:
    try:
        removed = services.staff_remove(by=staff, staff_id=staff_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("availability:team", facility_id=staff.facility_id)
    if removed.pk == staff.pk:
        messages.success(request, _("You no longer manage this listing."))
        return redirect("availability:home")
    messages.success(request, _("%(name)s no longer manages this listing.") % {"name": removed.full_name})
    return redirect("availability:team", facility_id=staff.facility_id)


@facility_staff_page()
@require_GET
def log(request: HttpRequest, staff: FacilityStaff) -> HttpResponseBase:
    """Who did what, when, for this facility (newest first)."""
    context = {"staff": staff, "facility": staff.facility, "entries": selectors.log_of(staff=staff), "current": "log"}
    return render(request, "availability/log.html", context)
