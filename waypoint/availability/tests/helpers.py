"""Test helpers: facilities with staff, made through the real services (ask, check, approve)."""

from __future__ import annotations

from typing import Any

from waypoint.accounts.selectors import totp_enabled
from waypoint.availability import services
from waypoint.availability.models import FacilityStaff
from waypoint.core.tests.personas import UserFactory, make_staff, totp_on


def make_facility(**kwargs: Any) -> Any:
    from waypoint.directory.tests.factories import FacilityFactory

    return FacilityFactory(**kwargs)


def operator() -> Any:
    from waypoint.accounts.models import User

    return User.objects.filter(username="test-operator").first() or make_staff(username="test-operator")


def ask(user: Any, facility: Any, *, name: str = "Jo Rivera", email: str = "jo@example.org") -> FacilityStaff:
    return services.staff_request_create(
        user=user,
        facility_id=facility.pk,
        full_name=name,
        role="Intake coordinator",
        work_phone="434-555-0100",
        work_email=email,
    )


def make_member(
    user: Any = None,
    facility: Any = None,
    *,
    two_step: bool = True,
    name: str = "Jo Rivera",
    email: str = "jo@example.org",
) -> FacilityStaff:
    """An active staff member (asked, checked by calling the listing, approved). With
    `two_step`, the account has an authenticator (client_for marks its session as verified)."""
    user = user or UserFactory()
    facility = facility or make_facility()
    staff = ask(user, facility, name=name, email=email)
    op = operator()
    services.staff_request_verify(operator=op, staff_id=staff.pk, method=FacilityStaff.Verification.LISTING_PHONE)
    staff = services.staff_request_approve(operator=op, staff_id=staff.pk)
    if two_step and not totp_enabled(user=user):
        totp_on(user)
    return staff


def walk_facilities(cast: Any) -> tuple[Any, Any]:
    """The access walk's places: alice is staff (and admin) of A, charlie of B. Idempotent,
    so every app's samples can ask for them."""
    from waypoint.directory.models import Facility

    a = Facility.objects.filter(name="Walk Facility A").first()
    if a is None:
        a = make_facility(name="Walk Facility A")
        make_member(cast.alice, a, name="Alice Walker", email="alice@clinic-a.example")
        b = make_facility(name="Walk Facility B", latitude=39.0, longitude=-77.0)
        make_member(cast.charlie, b, name="Charlie Brook", email="charlie@clinic-b.example")
    b = Facility.objects.get(name="Walk Facility B")
    return a, b
