"""URL values for the access-policy walk (waypoint/core/tests/test_access_policies.py)."""

from __future__ import annotations

from typing import Any


def samples(cast: Any) -> dict[str, Any]:
    from waypoint.directory.tests.factories import FacilityFactory

    facility = FacilityFactory()
    return {
        "directory:facility": {"facility_id": facility.pk},
        "directory:report": {"facility_id": facility.pk},
        # Nobody's search: every persona gets the friendly "search ended" page.
        "directory:results": {"key": "no-such-search"},
        "waypoint_directory_api_detail": {"facility_id": facility.pk},
    }
