"""Reads, and the chokepoint every facility-staff page, API operation and service goes through.

``facility_staff_for`` is the one way to act for a facility: a person who is not active staff
of *that* facility — someone else's staff, someone whose request waits, someone removed, an
operator — gets the same 404 everywhere. (Two-step sign-in is checked beside it, in
``gate.py``, because it is about the session, not the person.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from waypoint.core.access import NotAllowed
from waypoint.core.places import distance_miles
from waypoint.directory.models import Facility

from . import rules
from .models import Availability, FacilityStaff, StaffAction

LOG_PAGE = 100
# Ids a database can hold (a bigint): anything else names nothing, and must not reach SQL
# (SQLite refuses a larger integer instead of finding no row).
MAX_ID = 2**63 - 1


def valid_id(value: int | None) -> bool:
    return value is not None and 0 < value <= MAX_ID


# --- The chokepoint --------------------------------------------------------------------------


def facility_staff_for(*, user: Any, facility_id: int) -> FacilityStaff:
    """The person's own active staff row for the facility (``.facility`` loaded), or NotAllowed."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        raise NotAllowed()
    if not user.is_active:
        raise NotAllowed()
    if not valid_id(facility_id):
        raise NotAllowed()
    staff = (
        FacilityStaff.objects.select_related("facility", "user")
        .filter(facility_id=facility_id, user_id=user_id, status=FacilityStaff.Status.ACTIVE)
        .first()
    )
    if staff is None:
        raise NotAllowed()
    return staff


# --- The staff member's own things -----------------------------------------------------------


def staff_rows_of(*, user: Any) -> list[FacilityStaff]:
    """Every facility the person is staff of or asked to be (newest first), for their home page."""
    return list(
        FacilityStaff.objects.select_related("facility")
        .filter(user=user, status__in=[FacilityStaff.Status.ACTIVE, FacilityStaff.Status.REQUESTED])
        .order_by("-requested_at", "-id")
    )


def live_row_for(*, user: Any, facility_id: int) -> FacilityStaff | None:
    """The person's waiting or active row for a facility (to tell them they already asked)."""
    return (
        FacilityStaff.objects.filter(
            user=user, facility_id=facility_id, status__in=[FacilityStaff.Status.ACTIVE, FacilityStaff.Status.REQUESTED]
        )
        .order_by("-id")
        .first()
    )


def team_of(*, staff: FacilityStaff) -> list[FacilityStaff]:
    return list(
        FacilityStaff.objects.filter(facility_id=staff.facility_id, status=FacilityStaff.Status.ACTIVE).order_by(
            "full_name", "id"
        )
    )


def log_of(*, staff: FacilityStaff, limit: int = LOG_PAGE) -> list[StaffAction]:
    return list(StaffAction.objects.filter(facility_id=staff.facility_id).order_by("-at", "-id")[:limit])


def notice_recipients(*, facility_id: int) -> QuerySet[FacilityStaff]:
    """Active staff who want an e-mail when a request arrives."""
    return FacilityStaff.objects.filter(
        facility_id=facility_id, status=FacilityStaff.Status.ACTIVE, notify_by_email=True
    ).exclude(work_email="")


# --- Availability ----------------------------------------------------------------------------


def availability_of(*, facility_id: int) -> Availability | None:
    return Availability.objects.filter(facility_id=facility_id).first()


def availability_feed(
    *, now: datetime | None = None, updated_since: datetime | None = None, page: int = 1, page_size: int = 100
) -> tuple[int, list[Availability]]:
    """Every update still shown (younger than rules.DROP_DAYS), by facility id for stable
    paging: (count, the page's rows with their facilities)."""
    now = now or timezone.now()
    rows = Availability.objects.filter(updated_at__gte=rules.shown_since(now))
    if updated_since is not None:
        rows = rows.filter(updated_at__gte=updated_since)
    count = rows.count()
    start = (page - 1) * page_size
    return count, list(rows.select_related("facility").order_by("facility_id")[start : start + page_size])


# --- Facilities that take requests to call -----------------------------------------------------


def facility_takes_handoffs(*, facility_id: int) -> bool:
    """True when the facility has active staff on Waypoint to read requests to be called."""
    if not valid_id(facility_id):
        return False
    return FacilityStaff.objects.filter(facility_id=facility_id, status=FacilityStaff.Status.ACTIVE).exists()


def any_facility_takes_handoffs() -> bool:
    return FacilityStaff.objects.filter(status=FacilityStaff.Status.ACTIVE).exists()


@dataclass(frozen=True)
class NearbyFacility:
    facility: Facility
    distance_miles: float | None


def handoff_facilities(
    *, latitude: float | None = None, longitude: float | None = None, radius_miles: int = 100, limit: int = 10
) -> list[NearbyFacility]:
    """Facilities with staff on Waypoint, nearest first (or by name without a place). These
    are few (the ones that joined), so distances are computed here rather than in SQL."""
    ids = FacilityStaff.objects.filter(status=FacilityStaff.Status.ACTIVE).values("facility_id")
    facilities = list(Facility.objects.filter(pk__in=ids).select_related("availability").order_by("name", "id"))
    if latitude is None or longitude is None:
        return [NearbyFacility(f, None) for f in facilities[:limit]]
    found = []
    for facility in facilities:
        miles = distance_miles(latitude, longitude, facility.latitude, facility.longitude)
        if miles <= radius_miles:
            found.append(NearbyFacility(facility, round(miles, 1)))
    found.sort(key=lambda n: (n.distance_miles or 0.0, n.facility.pk))
    return found[:limit]
