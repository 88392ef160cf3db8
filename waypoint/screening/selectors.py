"""Reads of the screening app."""

from __future__ import annotations

from typing import Any

from waypoint.screening.models import SavedResult


def results_for_user(*, user: Any, instrument_id: str, limit: int = 10) -> list[SavedResult]:
    """The person's latest saved results of one self-check, oldest first (for trends)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = list(
        SavedResult.objects.filter(user=user, instrument_id=instrument_id).order_by("-created_at", "-id")[:limit]
    )
    return rows[::-1]
