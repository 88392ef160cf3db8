"""How many requests to be called may be sent: per client address, and from everyone, per hour.

Sending needs no account, so without limits one script could fill a facility's inbox (and its
staff's mailboxes). Two fixed one-hour windows counted in the cache (Redis in production,
shared by every worker), the listing reports' pattern (waypoint/directory/reports.py):
``HANDOFF_SENDS_PER_ADDRESS`` from one address (kept only as a keyed hash, never with the
request) and ``HANDOFF_SENDS_PER_HOUR`` from everyone together. The address is the one
``waypoint.accounts.clientaddr.client_ip`` believes (forwarded headers only from
``TRUSTED_PROXIES``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 3600
_PREFIX = "waypoint:handoff-sends"


class SendRefused(Exception):
    """Too many requests this hour, from this address (``scope="address"``) or from everyone."""

    def __init__(self, scope: str, retry_after: int) -> None:
        self.scope = scope
        self.retry_after = retry_after
        super().__init__(scope)


def _count(key: str) -> int:
    cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=2 * WINDOW_SECONDS)
        return 1


def send_allowed(*, address: str) -> None:
    """Counts one send; raises SendRefused when over a limit (nothing is then stored)."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now))
    digest = salted_hmac("waypoint.handoff.address", address, algorithm="sha256").hexdigest()[:32]
    if _count(f"{_PREFIX}:address:{digest}:{window}") > settings.HANDOFF_SENDS_PER_ADDRESS:
        raise SendRefused("address", retry_after)
    # Counted only within an address's own limit, so one busy address cannot use up everyone's.
    if _count(f"{_PREFIX}:all:{window}") > settings.HANDOFF_SENDS_PER_HOUR:
        raise SendRefused("everyone", retry_after)
