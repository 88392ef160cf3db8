"""The facility's inbox: new requests (oldest first: the one waiting longest is called first),
one request with what the person sent, and its status. Only the facility's own staff, in a
session that passed two-step sign-in (``waypoint.availability.gate.facility_staff_page``);
every opening and every status change is a line in the facility's log."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.availability.gate import facility_staff_page
from waypoint.availability.models import FacilityStaff

from .. import display, selectors, services
from ..models import HandoffRequest


def tel_href(number: str) -> str:
    digits = re.sub(r"\D", "", number or "")
    if len(digits) == 10:
        digits = "1" + digits
    return f"tel:+{digits}" if digits else ""


@facility_staff_page()
@require_GET
def inbox(request: HttpRequest, staff: FacilityStaff) -> HttpResponseBase:
    open_rows, closed = selectors.inbox_of(facility_id=staff.facility_id)
    context = {
        "staff": staff,
        "facility": staff.facility,
        "open_rows": [(row, display.status_for_staff(row)) for row in open_rows],
        "closed": [(row, display.status_for_staff(row)) for row in closed],
        "current": "inbox",
    }
    return render(request, "handoff/inbox.html", context)


@facility_staff_page()
@require_http_methods(["GET", "POST"])
def inbox_detail(request: HttpRequest, staff: FacilityStaff, handoff_id: int) -> HttpResponseBase:
    handoff = selectors.handoff_for_staff(user=request.user, handoff_id=handoff_id, facility_id=staff.facility_id)
    if request.method == "POST":
        try:
            services.handoff_mark(staff=staff, handoff=handoff, status=str(request.POST.get("status", "")))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("handoff:inbox_detail", facility_id=staff.facility_id, handoff_id=handoff.pk)
        messages.success(request, _("Saved. The person can see this on their status page."))
        return redirect("handoff:inbox", facility_id=staff.facility_id)
    if handoff.is_open:
        services.handoff_opened(staff=staff, handoff=handoff)
    items = display.items_of(handoff)
    phone = next((item.value for item in items if item.key == "phone"), "")
    context = {
        "staff": staff,
        "facility": staff.facility,
        "handoff": handoff,
        "items": items,
        "call_href": tel_href(phone),
        "phone": phone,
        "status_text": display.status_for_staff(handoff),
        "statuses": [
            (HandoffRequest.Status.CONTACTED, _("We reached them")),
            (HandoffRequest.Status.UNREACHABLE, _("We could not reach them")),
            (HandoffRequest.Status.CLOSED, _("Close and erase the details")),
        ],
        "current": "inbox",
    }
    return render(request, "handoff/inbox_detail.html", context)
