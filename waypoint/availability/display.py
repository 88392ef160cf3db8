"""The availability line as people read it ("Taking new clients today · same-day
buprenorphine starts · updated 2 hours ago"), and the same facts for machines.

Both read a facility's ``availability`` row through the relation (the directory's search
loads it with the page, so a results page costs no extra query) and apply ``rules.py``:
nothing after DROP_DAYS, greyed after FRESH_DAYS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import rules


def current_row(facility: Any) -> Any:
    """The facility's availability row, or None (none yet, or not loaded and absent)."""
    try:
        return facility.availability
    except ObjectDoesNotExist:
        return None


@dataclass(frozen=True)
class Line:
    headline: str
    extras: list[str]
    age: str
    stale: bool
    note: str
    taking: bool


def headline(row: Any) -> str:
    if row.new_clients == "yes":
        return _("Taking new clients today")
    if row.new_clients == "waitlist" and row.wait_days is not None:
        return ngettext(
            "Waitlist for new clients: about %(days)s day",
            "Waitlist for new clients: about %(days)s days",
            row.wait_days,
        ) % {"days": row.wait_days}
    if row.new_clients == "waitlist":
        return _("Waitlist for new clients")
    return _("Not taking new clients right now")


def line_for(facility: Any, *, now: datetime | None = None) -> Line | None:
    """What to show next to a place, or None when there is nothing current to show."""
    row = current_row(facility)
    if row is None:
        return None
    now = now or timezone.now()
    state = rules.state(row.updated_at, now)
    if state == "gone":
        return None
    extras = []
    if row.same_day_methadone:
        extras.append(_("same-day methadone starts"))
    if row.same_day_buprenorphine:
        extras.append(_("same-day buprenorphine starts"))
    if row.walk_in_hours:
        extras.append(_("walk-in: %(hours)s") % {"hours": row.walk_in_hours})
    return Line(
        headline=headline(row),
        extras=extras,
        age=rules.age_text(row.updated_at, now),
        stale=state == "stale",
        note=row.note,
        taking=row.new_clients != "no",
    )
