"""Reads, and the two chokepoints every page, API operation and service goes through.

- ``handoff_for_staff``: a request, for active staff of *its* facility only (through
  ``waypoint.availability.selectors.facility_staff_for``). Staff of another facility,
  operators and everyone else get the same 404 as for a request that does not exist.
- ``handoff_for_requester``: a request, for the person who sent it: by the private link's
  token (the token is the capability; only its hash is stored), or by their account.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

from django.utils import timezone

from waypoint.availability.selectors import facility_staff_for, valid_id
from waypoint.core.access import NotAllowed

from .models import HandoffRequest

# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")
# Closed requests stay listed (content-free) in the inbox this long.
CLOSED_LISTED_DAYS = 30


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def handoff_for_staff(*, user: Any, handoff_id: int, facility_id: int | None = None) -> HandoffRequest:
    """The request, when `user` is active staff of its facility (and it is `facility_id`'s, if given)."""
    if handoff_id is None or not valid_id(handoff_id):
        raise NotAllowed()
    handoff = HandoffRequest.objects.select_related("facility", "data_key").filter(pk=handoff_id).first()
    if handoff is None:
        raise NotAllowed()
    if handoff.facility_id is None:
        raise NotAllowed()
    if facility_id is not None and handoff.facility_id != facility_id:
        raise NotAllowed()
    facility_staff_for(user=user, facility_id=handoff.facility_id)
    return handoff


def handoff_for_requester(
    *, token: str | None = None, user: Any = None, handoff_id: int | None = None
) -> HandoffRequest:
    """The request, for whoever holds its private link's token, or for the account that sent it."""
    if token is not None:
        if not TOKEN_PATTERN.match(token):
            raise NotAllowed()
        handoff = (
            HandoffRequest.objects.select_related("facility", "data_key").filter(token_hash=token_digest(token)).first()
        )
        if handoff is None:
            raise NotAllowed()
        return handoff
    user_id = getattr(user, "pk", None)
    if user_id is None:
        raise NotAllowed()
    if handoff_id is None or not valid_id(handoff_id):
        raise NotAllowed()
    handoff = HandoffRequest.objects.select_related("facility", "data_key").filter(pk=handoff_id).first()
    if handoff is None:
        raise NotAllowed()
    if handoff.requester_id != user_id:
        raise NotAllowed()
    return handoff


def inbox_of(*, facility_id: int) -> tuple[list[HandoffRequest], list[HandoffRequest]]:
    """(open requests, oldest first — the one waiting longest is called first; closed ones of
    the last CLOSED_LISTED_DAYS, newest first). Listing never decrypts anything."""
    rows = HandoffRequest.objects.filter(facility_id=facility_id)
    open_rows = list(rows.exclude(status=HandoffRequest.Status.CLOSED).order_by("created_at", "id"))
    since = timezone.now() - timedelta(days=CLOSED_LISTED_DAYS)
    closed = list(
        rows.filter(status=HandoffRequest.Status.CLOSED, closed_at__gte=since).order_by("-closed_at", "-id")[:50]
    )
    return open_rows, closed


def new_count(*, facility_id: int) -> int:
    return HandoffRequest.objects.filter(facility_id=facility_id, status=HandoffRequest.Status.NEW).count()


def requests_of(*, user: Any) -> list[HandoffRequest]:
    """The person's own requests, newest first (with their facilities)."""
    return list(HandoffRequest.objects.select_related("facility").filter(requester=user).order_by("-created_at", "-id"))
