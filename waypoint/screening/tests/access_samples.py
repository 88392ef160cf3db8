"""URL values for the access-policy walk (waypoint/core/tests/test_access_policies.py)."""

from __future__ import annotations

from typing import Any


def samples(cast: Any) -> dict[str, dict[str, Any]]:
    return {
        "screening:instrument": {"instrument_id": "cows"},
        "screening:summary": {"instrument_id": "cows"},
        "screening:pdf": {"instrument_id": "cows"},
        "screening:fhir": {"instrument_id": "cows"},
        "screening:save": {"instrument_id": "barc-10"},
        "waypoint_screening_api_instrument_detail": {"instrument_id": "cows"},
        "waypoint_screening_api_instrument_fhir": {"instrument_id": "cows"},
        "waypoint_screening_api_instrument_score": {"instrument_id": "cows"},
    }
