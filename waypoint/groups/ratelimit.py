"""The per-person write budget (GROUPS_WRITES_PER_MINUTE), shared by every server process
through the cache (Redis in production), for forms and sockets alike.

A fixed one-minute window per person: simple, one cache round trip per write, and the
worst case (a burst at the end of one window and the start of the next) is twice the
budget for a moment — still far from a flood."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def write_allowed(*, user_id: int) -> tuple[bool, int]:
    """Counts one write for the person; (allowed, seconds until the window ends)."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"groups:writes:{int(user_id)}:{window}"
    # add() is a no-op when the key exists; incr() is atomic in Redis and in locmem.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now))
    return count <= settings.GROUPS_WRITES_PER_MINUTE, retry_after
