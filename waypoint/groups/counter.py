"""The group's one counter: how every change to a conversation gets its number.

A number is taken with one UPDATE of the group's row inside the write transaction. The
UPDATE locks that row until the transaction ends (PostgreSQL's row lock; SQLite's single
writer), so a second writer waits, then sees the first one's number: two writers never
get the same number, numbers are committed in the order they were taken, and a rolled-back
change gives its number back (no gaps). The unique constraints on (group, seq) and
(group, rev) stand behind this.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from waypoint.groups.models import Group


def numbers_take(*, group_id: int, count: int = 1) -> int:
    """Takes `count` consecutive numbers of the group's counter and returns the first.
    Must be called inside the transaction that saves what the numbers are for."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers_take must run inside the write transaction (transaction.atomic)")
    Group.objects.filter(pk=group_id).update(last_seq=F("last_seq") + count)
    # Our own UPDATE holds the row: this read sees our number and nobody else's.
    last = Group.objects.filter(pk=group_id).values_list("last_seq", flat=True).get()
    return int(last) - count + 1
