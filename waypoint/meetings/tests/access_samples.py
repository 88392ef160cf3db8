"""URL values for the access-policy walk (waypoint/core/tests/test_access_policies.py)."""

from __future__ import annotations

from typing import Any


def samples(cast: Any) -> dict[str, Any]:
    from waypoint.meetings.tests.factories import MeetingFactory

    meeting = MeetingFactory()
    return {
        "meetings:detail": {"pk": meeting.pk},
        "meetings:ics": {"pk": meeting.pk},
        "meetings:results": {"key": "no-such-search"},
        "meetings:results_ics": {"key": "no-such-search"},
        "waypoint_meetings_api_meeting_detail": {"meeting_id": meeting.pk},
    }
