"""Values for the facility-staff URLs in the access walk (waypoint/core/tests/test_access_policies.py):
alice is active staff (and admin) of facility A with two-step sign-in; charlie is staff of
facility B; bob is staff nowhere; the operator is no facility's staff. Only alice may open A's
pages. (What people sent to A is in waypoint/handoff/tests/access_samples.py.)"""

from __future__ import annotations

from typing import Any

from waypoint.availability.tests.helpers import make_member, walk_facilities
from waypoint.core.tests.personas import UserFactory


def samples(cast: Any) -> dict[str, Any]:
    a, _b = walk_facilities(cast)
    colleague = make_member(
        UserFactory(username="walk-colleague"), a, name="Casey Colleague", email="casey@clinic-a.example"
    )
    ids = {"facility_id": a.pk}
    return {
        "availability:ask": ids,
        "availability:facility": ids,
        "availability:team": ids,
        "availability:team_remove": {**ids, "staff_id": colleague.pk},
        "availability:log": ids,
        "waypoint_availability_api_availability_put": ids,
    }
