"""How a facility's availability ages, and what "can see me soon" means: one place for the
rules that the locator's pages, its search, the facility API and the open feed all follow.

Pure functions and constants, no models, so the directory can use them without importing
this app's models (the directory reads the ``availability`` row through its relation).

- An update is **fresh** for ``FRESH_DAYS`` (3): shown plainly, with its age.
- Then it is **stale** until ``DROP_DAYS`` (7): still shown, greyed, with "call to check".
- After that it is **gone**: not shown, not in the API or the feed, not counted as soon.
- **Can see me soon**: a fresh update saying the place takes new clients today, or has a
  waitlist of at most ``SOON_MAX_DAYS`` days. Sorting "soonest first" orders by those days
  (today = 0), then by distance; places without a fresh update come after, by distance.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from django.utils.timesince import timesince
from django.utils.translation import gettext as _

FRESH_DAYS = 3
DROP_DAYS = 7
SOON_MAX_DAYS = 7
# The tiny form's limits: short, plain text only.
HOURS_MAX_CHARS = 80
NOTE_MAX_CHARS = 200
WAIT_MAX_DAYS = 365
# Sorts after every real number of days (a place with no fresh "soon" answer).
NOT_SOON = 9999

State = Literal["fresh", "stale", "gone"]


def soon_days(*, new_clients: str, wait_days: int | None) -> int | None:
    """Days until a new client could be seen, as the staff said: 0 for "yes, today", the
    typical wait for a waitlist, None for "not taking new clients"."""
    if new_clients == "yes":
        return 0
    if new_clients == "waitlist":
        return wait_days if wait_days is not None else None
    return None


def fresh_since(now: datetime) -> datetime:
    """Updates at or after this moment are fresh."""
    return now - timedelta(days=FRESH_DAYS)


def shown_since(now: datetime) -> datetime:
    """Updates at or after this moment are shown at all (fresh or stale)."""
    return now - timedelta(days=DROP_DAYS)


def state(updated_at: datetime, now: datetime) -> State:
    if updated_at >= fresh_since(now):
        return "fresh"
    if updated_at >= shown_since(now):
        return "stale"
    return "gone"


def age_seconds(updated_at: datetime, now: datetime) -> int:
    return max(0, int((now - updated_at).total_seconds()))


def age_text(updated_at: datetime, now: datetime) -> str:
    """ "updated 2 hours ago" in the active language (Django's own translated units)."""
    if age_seconds(updated_at, now) < 60:
        return _("updated just now")
    return _("updated %(age)s ago") % {"age": timesince(updated_at, now, depth=1)}
