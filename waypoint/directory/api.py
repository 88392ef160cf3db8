"""GET /api/v1/facilities (search) and /api/v1/facilities/{id}, through the same selector as the pages."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from waypoint.availability.schemas import AvailabilityOut, facility_availability_out
from waypoint.core.access import Policy, api_access
from waypoint.core.apierrors import ERROR_RESPONSES, api_error
from waypoint.core.places import PlaceError, resolve_place

from .models import Facility
from .selectors import (
    DEFAULT_RADIUS,
    MAX_PAGE_SIZE,
    MAX_RADIUS,
    MIN_RADIUS,
    UnknownService,
    canonical_services,
    facility_search,
)

router = Router(tags=["directory"])
# Output models are plain pydantic models, not ninja Schemas: ninja's Schema runs a
# Django-aware root validator on every nested object, which cost ~4 ms per page of 20.
DEMO_LABEL = "demo data — not real facilities"


class FacilityPhoneOut(BaseModel):
    kind: str
    number: str


class FacilityOut(BaseModel):
    id: int
    name: str
    name2: str
    street1: str
    street2: str
    city: str
    state: str
    zip_code: str
    latitude: float
    longitude: float
    approximate_location: bool
    distance_miles: float | None = None
    phone: str
    intake_phone: str
    hotline: str
    phones: list[FacilityPhoneOut] = Field(description="every number the sources give, with its kind")
    other_names: list[str] = Field(description="names other sources use for this place")
    website: str
    facility_type: str
    services: list[str]
    is_demo: bool
    demo_label: str | None = None
    availability: AvailabilityOut | None = Field(
        None, description="what the facility's own staff said lately (none when older than a week)"
    )


class FacilitySearchOut(BaseModel):
    count: int
    page: int
    page_size: int
    radius_miles: int
    requested_radius_miles: int
    place: str
    services: list[str]
    results: list[FacilityOut]


class FacilitySearchQuery(Schema):
    near: str = Field(..., min_length=1, max_length=100, description="ZIP code, 'City, ST' or 'lat,lon'")
    radius: int = Field(DEFAULT_RADIUS, ge=MIN_RADIUS, le=MAX_RADIUS, description="miles")
    service: list[str] = Field(default_factory=list, max_length=30, description="codes; all must match")
    page: int = Field(1, ge=1, le=1000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    widen: bool = Field(False, description="when nothing matches, look up to 50/100/250/500 miles")
    soon: bool = Field(False, description="only places that can see a new client soon (availability.soon)")
    sort: Literal["distance", "soon"] = Field("distance", description="soon: places that can see you soonest first")


def _out(facility: Facility, distance: float | None = None) -> FacilityOut:
    return FacilityOut(
        id=facility.pk,
        name=facility.name,
        name2=facility.name2,
        street1=facility.street1,
        street2=facility.street2,
        city=facility.city,
        state=facility.state,
        zip_code=facility.zip_code,
        latitude=facility.latitude,
        longitude=facility.longitude,
        approximate_location=facility.approximate_location,
        distance_miles=distance,
        phone=facility.phone,
        intake_phone=facility.intake_phone,
        hotline=facility.hotline,
        phones=[FacilityPhoneOut(kind=str(kind), number=str(number)) for kind, number in (facility.phones or [])],
        other_names=[name for name in facility.other_names.splitlines() if name.strip()],
        website=facility.website,
        facility_type=facility.facility_type,
        services=facility.code_list,
        is_demo=facility.is_demo,
        demo_label=DEMO_LABEL if facility.is_demo else None,
        availability=facility_availability_out(facility),
    )


def _error(field: str, message: str, kind: str) -> Status[dict[str, object]]:
    return api_error(422, loc=["query", field], msg=message, type=kind)


@router.get(
    "", response={200: FacilitySearchOut, **ERROR_RESPONSES}, summary="Search treatment facilities near a place"
)
@api_access(Policy.PUBLIC)
def search(request: HttpRequest, query: Query[FacilitySearchQuery]) -> object:
    try:
        codes = canonical_services(query.service)
    except UnknownService as exc:
        return _error("service", f"Unknown service code {exc.value!r}.", "unknown_service")
    try:
        place = resolve_place(query.near)
    except PlaceError as exc:
        return _error("near", exc.message, exc.code)
    page = facility_search(
        latitude=place.latitude,
        longitude=place.longitude,
        radius_miles=query.radius,
        codes=codes,
        page=query.page,
        page_size=query.page_size,
        widen=query.widen,
        soon=query.soon,
        sort=query.sort,
    )
    return {
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "radius_miles": page.radius_miles,
        "requested_radius_miles": page.requested_radius_miles,
        "place": place.label,
        "services": codes,
        "results": [_out(hit.facility, hit.distance_miles) for hit in page.hits],
    }


@router.get("/{facility_id}", response={200: FacilityOut, **ERROR_RESPONSES}, summary="One treatment facility")
@api_access(Policy.PUBLIC)
def detail(request: HttpRequest, facility_id: int) -> FacilityOut:
    return _out(get_object_or_404(Facility.objects.select_related("availability"), pk=facility_id))
