"""Requests to be called in "My data" (for people who sent them while signed in).

Export: each request with what was sent (decrypted, while it is still there) and its status.
Deletion: the content of each is erased (its data key deleted) and the link to the account
removed; the facility keeps only the content-free record that a request existed (when, its
status, why it closed), which no longer points at anyone. Requests sent without an account
are reached only through their private link, and erased when they expire.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from waypoint.core import userdata

from .models import HandoffRequest
from .services import CONTENT_FIELDS, handoff_erase


def register_all() -> None:
    userdata.register(
        key="handoff.requests",
        label=_("Your requests to be called"),
        exporter=requests_export,
        deleter=requests_delete,
    )


def requests_export(*, user: Any) -> list[dict[str, Any]]:
    rows = (
        HandoffRequest.objects.filter(requester=user)
        .select_related("facility", "data_key")
        .order_by("created_at", "id")
    )
    return [
        {
            "facility": row.facility.name if row.facility else None,
            "sent_at": row.created_at.isoformat(),
            "expires_at": row.expires_at.isoformat(),
            "status": row.status,
            "closed_reason": row.closed_reason or None,
            "erased_at": row.erased_at.isoformat() if row.erased_at else None,
            "content": None if row.erased_at else {name: getattr(row, name) for name in CONTENT_FIELDS},
        }
        for row in rows
    ]


def requests_delete(*, user: Any) -> int:
    """Erases the content of the person's requests and unlinks them; returns how many."""
    with transaction.atomic():
        ids = list(HandoffRequest.objects.filter(requester=user).values_list("pk", flat=True))
        for pk in ids:
            handoff_erase(handoff_id=pk, reason=HandoffRequest.ClosedReason.WITHDRAWN)
        HandoffRequest.objects.filter(pk__in=ids).update(requester=None)
    return len(ids)
