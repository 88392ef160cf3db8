"""Test helpers: a request to be called, sent through the real service."""

from __future__ import annotations

from typing import Any

from waypoint.handoff import services

SUMMARY = "Opioid self-check\nTotal: 7 (possible 0 to 11)\nAnswers:\n- Cravings? Often"


def send(facility: Any, *, requester: Any = None, address: str = "198.51.100.7", **content: Any) -> tuple[Any, str]:
    values = {
        "first_name": "Sam",
        "phone": "434-555-0147",
        "call_times": "weekdays after 3 pm",
        "call_language": "en",
        "voicemail": "no",
        "summary": SUMMARY,
        **content,
    }
    return services.handoff_send(
        facility_id=facility.pk, requester=requester, address=address, origin="http://testserver/", **values
    )
