"""Values for the request-to-be-called URLs in the access walk: alice asked facility A (where
she is also staff) to call her; charlie is staff of facility B; bob is nobody. What alice sent
(the markers) may only ever reach alice: her own pages and A's inbox. The private link's page
is public (the token is the capability), so it shows what kinds of things were sent, never
their values."""

from __future__ import annotations

from typing import Any

from waypoint.availability.tests.helpers import walk_facilities
from waypoint.handoff.tests.helpers import send

MARKERS = ["alice-handoff-name-wren", "alice-handoff-times-heron", "alice-handoff-summary-lichen"]


def samples(cast: Any) -> dict[str, Any]:
    a, _b = walk_facilities(cast)
    handoff, token = send(
        a,
        requester=cast.alice,
        first_name=MARKERS[0],
        call_times=MARKERS[1],
        summary=f"Self-check\n{MARKERS[2]}",
        address="198.51.100.99",
    )
    cast.markers.extend(MARKERS)
    mine = {"handoff_id": handoff.pk}
    staff = {"facility_id": a.pk, "handoff_id": handoff.pk}
    return {
        # Nobody's draft: every persona gets "this form has ended".
        "handoff:draft": {"key": "no-such-draft"},
        "handoff:confirm": {"key": "no-such-draft"},
        "handoff:status": {"token": token},
        "handoff:withdraw": {"token": token},
        "handoff:mine_detail": mine,
        "handoff:mine_withdraw": mine,
        "handoff:inbox": {"facility_id": a.pk},
        "handoff:inbox_detail": staff,
        "waypoint_handoff_api_my_handoff": mine,
        "waypoint_handoff_api_my_handoff_withdraw": mine,
        "waypoint_handoff_api_inbox": {"facility_id": a.pk},
        "waypoint_handoff_api_inbox_request": staff,
        "waypoint_handoff_api_inbox_request_status": staff,
    }


def openapi_samples(alice: Any) -> dict[str, Any]:
    """Values for the calls in waypoint/core/tests/test_openapi.py::_calls: alice is staff (with
    two-step sign-in) of a facility, and asked it to call her."""
    from waypoint.availability.tests.helpers import make_facility, make_member

    member = make_member(alice, make_facility(name="OpenAPI Clinic"))
    handoff, _token = send(member.facility, requester=alice, address="198.51.100.77")
    return {"staff_facility": member.facility_id, "handoff": handoff.pk}
