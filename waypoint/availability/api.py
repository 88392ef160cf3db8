"""GET /api/v1/availability (the open feed) and PUT /api/v1/staff/facilities/{id}/availability.

The feed is public so that other directories (a state's locator, a 211 service) can show
the same "taking new clients today" next to the places they list. It gives only updates
younger than rules.DROP_DAYS, each with its age, paged by facility id (stable while a
client walks the pages); ``updated_since`` fetches only what changed.

The staff operation answers only a facility's own staff, with two-step sign-in behind it
(a session that passed it, or a personal access token of an account with it on).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from waypoint.core.access import Policy, api_access
from waypoint.core.apiauth import PERSONAL_AUTH
from waypoint.core.apierrors import AUTH_ERROR_RESPONSES, ERROR_RESPONSES, api_error

from . import rules, selectors, services
from .gate import staff_api_check
from .schemas import AvailabilityOut, availability_out

router = Router(tags=["availability"])
staff_router = Router(tags=["facility staff"], auth=PERSONAL_AUTH)

MAX_PAGE_SIZE = 500
ISO_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$"


class AvailabilityFacilityOut(BaseModel):
    id: int
    name: str
    street1: str
    city: str
    state: str
    zip_code: str
    latitude: float
    longitude: float
    phone: str = Field(description="the number to call (intake if listed)")
    page: str = Field(description="the facility's page on this site (path)")


class AvailabilityFeedItemOut(BaseModel):
    facility: AvailabilityFacilityOut
    availability: AvailabilityOut


class AvailabilityFeedOut(BaseModel):
    generated_at: datetime
    fresh_days: int = Field(description="updates older than this are marked stale")
    drop_days: int = Field(description="updates older than this are left out")
    count: int
    page: int
    page_size: int
    results: list[AvailabilityFeedItemOut]


class AvailabilityFeedQuery(Schema):
    page: int = Field(1, ge=1, le=10000)
    page_size: int = Field(100, ge=1, le=MAX_PAGE_SIZE)
    # A string with a pattern, parsed below: pydantic would also take a bare number (seconds
    # since 1970) as a time, which the document cannot say.
    updated_since: str | None = Field(
        None,
        pattern=ISO_TIME,
        description="only updates at or after this time (ISO 8601 with a time zone, e.g. 2026-11-20T08:00:00Z)",
    )


class AvailabilityIn(Schema):
    """``new_clients`` is required: checked once the facility is found to be the caller's, so
    that anyone else gets the same 404 whatever they send."""

    new_clients: Literal["yes", "waitlist", "no"] | None = None
    wait_days: int | None = Field(None, ge=1, le=rules.WAIT_MAX_DAYS, description="needed with a waitlist")
    same_day_methadone: bool = False
    same_day_buprenorphine: bool = False
    walk_in_hours: str = Field("", max_length=rules.HOURS_MAX_CHARS)
    note: str = Field("", max_length=rules.NOTE_MAX_CHARS, description="plain text, public")


@router.get("", response={200: AvailabilityFeedOut, **ERROR_RESPONSES}, summary="Current availability of facilities")
@api_access(Policy.PUBLIC)
def feed(request: HttpRequest, query: Query[AvailabilityFeedQuery]) -> object:
    now = timezone.now()
    since = None
    if query.updated_since:
        try:
            since = datetime.fromisoformat(query.updated_since)
        except ValueError:
            return api_error(422, loc=["query", "updated_since"], msg="Not a date and time.", type="datetime_parsing")
    count, rows = selectors.availability_feed(now=now, updated_since=since, page=query.page, page_size=query.page_size)
    results = []
    for row in rows:
        out = availability_out(row, now=now)
        if out is None:
            continue
        facility = row.facility
        results.append(
            AvailabilityFeedItemOut(
                facility=AvailabilityFacilityOut(
                    id=facility.pk,
                    name=facility.name,
                    street1=facility.street1,
                    city=facility.city,
                    state=facility.state,
                    zip_code=facility.zip_code,
                    latitude=facility.latitude,
                    longitude=facility.longitude,
                    phone=facility.call_number,
                    page=reverse("directory:facility", args=[facility.pk]),
                ),
                availability=out,
            )
        )
    return AvailabilityFeedOut(
        generated_at=now,
        fresh_days=rules.FRESH_DAYS,
        drop_days=rules.DROP_DAYS,
        count=count,
        page=query.page,
        page_size=query.page_size,
        results=results,
    )


@staff_router.put(
    "/{facility_id}/availability",
    response={200: AvailabilityOut, **AUTH_ERROR_RESPONSES},
    summary="Update your facility's availability (its staff only)",
)
@api_access(Policy.FACILITY_STAFF)
def availability_put(request: HttpRequest, facility_id: int, body: AvailabilityIn) -> object:
    staff = staff_api_check(request, facility_id=facility_id)
    if body.new_clients is None:
        return api_error(
            422, loc=["body", "new_clients"], msg="Say whether you take new clients today.", type="missing"
        )
    try:
        row = services.availability_update(staff=staff, **body.dict())
    except ValidationError as error:
        field = next(iter(getattr(error, "message_dict", {"": None})), "")
        return api_error(422, loc=["body", field] if field else ["body"], msg=" ".join(error.messages), type="invalid")
    return availability_out(row)
