"""Requests to be called, as JSON.

- ``/api/v1/me/handoffs`` (the person's own, signed in): list, one with what was sent, and
  take it back. Sending is not offered here: a request goes out only from the consent page,
  which names the place, the data and the expiry in the person's language.
- ``/api/v1/staff/facilities/{facility_id}/handoffs`` (the facility's staff, two-step sign-in):
  the inbox, one request (opening it is logged, as on the page) and its status.

Auth: the browser's session (unsafe methods need the CSRF token) or a personal access token.
Not yours, not your facility's, or no such request: the same 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import BaseModel, Field

from waypoint.availability.gate import staff_api_check
from waypoint.core.access import Policy, api_access
from waypoint.core.apiauth import PERSONAL_AUTH
from waypoint.core.apierrors import AUTH_ERROR_RESPONSES, api_error

from . import display, selectors, services
from .models import HandoffRequest

me_router = Router(tags=["me"], auth=PERSONAL_AUTH)
staff_router = Router(tags=["facility staff"], auth=PERSONAL_AUTH)


class HandoffItemOut(BaseModel):
    key: Literal["first_name", "phone", "call_times", "call_language", "voicemail", "summary"]
    label: str
    value: str


class HandoffOut(BaseModel):
    id: int
    facility_id: int | None
    facility_name: str | None
    status: Literal["new", "contacted", "unreachable", "closed"]
    closed_reason: Literal["", "done", "withdrawn", "expired", "facility-gone"]
    created_at: datetime
    expires_at: datetime
    seen: bool = Field(description="a staff member has opened it")
    erased: bool = Field(description="its content is erased (only this record is left)")
    status_text: str = Field(description="the status in words, in the request's language")
    items: list[HandoffItemOut] | None = Field(
        None, description="what was sent (only when asked for one request, and not yet erased)"
    )


class HandoffListOut(BaseModel):
    results: list[HandoffOut]


class HandoffStatusIn(Schema):
    # Required, but checked once the request is found to be the caller's facility's (else 404).
    status: Literal["contacted", "unreachable", "closed"] | None = Field(
        None, description="required; closed also erases the content"
    )


def _out(handoff: HandoffRequest, *, with_items: bool, for_staff: bool) -> HandoffOut:
    return HandoffOut(
        id=handoff.pk,
        facility_id=handoff.facility_id,
        facility_name=handoff.facility.name if handoff.facility else None,
        status=handoff.status,  # type: ignore[arg-type]
        closed_reason=handoff.closed_reason,  # type: ignore[arg-type]
        created_at=handoff.created_at,
        expires_at=handoff.expires_at,
        seen=handoff.seen_at is not None,
        erased=handoff.erased_at is not None,
        status_text=display.status_for_staff(handoff) if for_staff else display.status_for_person(handoff),
        items=[HandoffItemOut(key=i.key, label=i.label, value=i.value) for i in display.items_of(handoff)]  # type: ignore[arg-type]
        if with_items
        else None,
    )


# --- The person's own ------------------------------------------------------------------------


@me_router.get("", response={200: HandoffListOut, **AUTH_ERROR_RESPONSES}, summary="Your requests to be called")
@api_access(Policy.SIGNED_IN)
def my_handoffs(request: HttpRequest) -> Any:
    rows = selectors.requests_of(user=request.user)
    return HandoffListOut(results=[_out(row, with_items=False, for_staff=False) for row in rows])


@me_router.get("/{handoff_id}", response={200: HandoffOut, **AUTH_ERROR_RESPONSES}, summary="One of your requests")
@api_access(Policy.OWNER)
def my_handoff(request: HttpRequest, handoff_id: int) -> Any:
    handoff = selectors.handoff_for_requester(user=request.user, handoff_id=handoff_id)
    return _out(handoff, with_items=True, for_staff=False)


@me_router.post(
    "/{handoff_id}/withdraw",
    response={200: HandoffOut, **AUTH_ERROR_RESPONSES},
    summary="Take a request back (erases what you sent)",
)
@api_access(Policy.OWNER)
def my_handoff_withdraw(request: HttpRequest, handoff_id: int) -> Any:
    handoff = selectors.handoff_for_requester(user=request.user, handoff_id=handoff_id)
    services.handoff_withdraw(handoff=handoff)
    handoff.refresh_from_db()
    return _out(handoff, with_items=True, for_staff=False)


# --- A facility's inbox ----------------------------------------------------------------------


@staff_router.get(
    "/{facility_id}/handoffs",
    response={200: HandoffListOut, **AUTH_ERROR_RESPONSES},
    summary="Your facility's requests (open ones first, then closed ones of the last 30 days)",
)
@api_access(Policy.FACILITY_STAFF)
def inbox(request: HttpRequest, facility_id: int) -> Any:
    staff = staff_api_check(request, facility_id=facility_id)
    open_rows, closed = selectors.inbox_of(facility_id=staff.facility_id)
    return HandoffListOut(results=[_out(row, with_items=False, for_staff=True) for row in [*open_rows, *closed]])


@staff_router.get(
    "/{facility_id}/handoffs/{handoff_id}",
    response={200: HandoffOut, **AUTH_ERROR_RESPONSES},
    summary="One request, with what the person sent (the opening is logged)",
)
@api_access(Policy.FACILITY_STAFF)
def inbox_request(request: HttpRequest, facility_id: int, handoff_id: int) -> Any:
    staff = staff_api_check(request, facility_id=facility_id)
    handoff = selectors.handoff_for_staff(user=request.user, handoff_id=handoff_id, facility_id=staff.facility_id)
    if handoff.is_open:
        services.handoff_opened(staff=staff, handoff=handoff)
    return _out(handoff, with_items=True, for_staff=True)


@staff_router.post(
    "/{facility_id}/handoffs/{handoff_id}/status",
    response={200: HandoffOut, **AUTH_ERROR_RESPONSES},
    summary="Mark a request contacted, could not reach, or closed (closing erases it)",
)
@api_access(Policy.FACILITY_STAFF)
def inbox_request_status(request: HttpRequest, facility_id: int, handoff_id: int, body: HandoffStatusIn) -> Any:
    staff = staff_api_check(request, facility_id=facility_id)
    handoff = selectors.handoff_for_staff(user=request.user, handoff_id=handoff_id, facility_id=staff.facility_id)
    if body.status is None:
        return api_error(422, loc=["body", "status"], msg="Say what happened.", type="missing")
    try:
        handoff = services.handoff_mark(staff=staff, handoff=handoff, status=body.status)
    except ValidationError as error:
        return api_error(422, loc=["body", "status"], msg=" ".join(error.messages), type="closed")
    return _out(handoff, with_items=False, for_staff=True)
