"""URL values for the access-policy walk (waypoint/core/tests/test_access_policies.py)."""

from __future__ import annotations

from typing import Any


def samples(cast: Any) -> dict[str, Any]:
    from waypoint.accounts.tokens import token_create

    token, _raw = token_create(user=cast.alice, name="alice-secret-token-name", scope="read")
    cast.markers.append("alice-secret-token-name")
    return {"accounts:token_revoke": {"token_id": token.pk}}
