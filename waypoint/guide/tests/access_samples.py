"""URL values for the access-policy walk (waypoint/core/tests/test_access_policies.py)."""

from __future__ import annotations

from typing import Any


def _article() -> dict[str, Any]:
    from waypoint.guide.services import articles_load

    articles_load()
    return {"slug": "methadone"}


def samples(cast: Any) -> dict[str, Any]:
    # A callable is called only when its route is walked (loading articles takes a moment).
    return {"guide:article": _article, "guide:results": {"key": "no-such-search"}}
