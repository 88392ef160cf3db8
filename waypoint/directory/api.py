"""GET /api/v1/facilities (search) and /api/v1/facilities/{id}, through the same selector as the pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

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
    website: str
    facility_type: str
    services: list[str]
    is_demo: bool
    demo_label: str | None = None


class SearchOut(BaseModel):
    count: int
    page: int
    page_size: int
    radius_miles: int
    requested_radius_miles: int
    place: str
    services: list[str]
    results: list[FacilityOut]


class ErrorItem(BaseModel):
    loc: list[str]
    msg: str
    type: str


class ErrorOut(BaseModel):
    detail: list[ErrorItem]


class SearchQuery(Schema):
    near: str = Field(..., min_length=1, max_length=100, description="ZIP code, 'City, ST' or 'lat,lon'")
    radius: int = Field(DEFAULT_RADIUS, ge=MIN_RADIUS, le=MAX_RADIUS, description="miles")
    service: list[str] = Field(default_factory=list, max_length=30, description="codes; all must match")
    page: int = Field(1, ge=1, le=1000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    widen: bool = Field(False, description="when nothing matches, look up to 50/100/250/500 miles")


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
        website=facility.website,
        facility_type=facility.facility_type,
        services=facility.code_list,
        is_demo=facility.is_demo,
        demo_label=DEMO_LABEL if facility.is_demo else None,
    )


def _error(field: str, message: str, kind: str) -> Status[dict[str, list[dict[str, object]]]]:
    """The same shape as ninja's own validation errors, naming the query field."""
    return Status(422, {"detail": [{"loc": ["query", field], "msg": message, "type": kind}]})


@router.get("", response={200: SearchOut, 422: ErrorOut}, summary="Search treatment facilities near a place")
def search(request: HttpRequest, query: Query[SearchQuery]) -> object:
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


@router.get("/{facility_id}", response=FacilityOut, summary="One treatment facility")
def detail(request: HttpRequest, facility_id: int) -> FacilityOut:
    return _out(get_object_or_404(Facility, pk=facility_id))
