"""URL values for the access-policy walk (waypoint/core/tests/test_access_policies.py):
alice's journal entry, whose words only she may ever see."""

from __future__ import annotations

from typing import Any

MARKERS = ["alice-journal-title-salt-marsh", "alice-journal-text-kestrel-at-dawn", "alice-journal-tag-ember"]


def samples(cast: Any) -> dict[str, Any]:
    from waypoint.journal import services

    entry = services.entry_create(user=cast.alice, title=MARKERS[0], text=MARKERS[1], tags=[MARKERS[2]], mood=3)
    cast.markers += MARKERS
    ids = {"entry_id": entry.pk}
    return {
        "journal:entry": ids,
        "journal:entry_edit": ids,
        "journal:entry_delete": ids,
        "journal:results": {"key": "no-such-search"},
        "waypoint_journal_api_journal_get": ids,
        "waypoint_journal_api_journal_replace": ids,
        "waypoint_journal_api_journal_delete": ids,
    }


def openapi_samples(alice: Any) -> dict[str, Any]:
    """Values for the journal calls in waypoint/core/tests/test_openapi.py::_calls."""
    from waypoint.journal import services

    entry = services.entry_create(user=alice, title="Evening", text="Walked by the river.", tags=["calm"], mood=4)
    return {"journal_entry": entry.pk}
