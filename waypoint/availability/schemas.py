"""The availability as JSON: one model for the facility API's ``availability`` field and the
open feed. Plain pydantic models (the directory API's choice: ninja's Schema validator costs
milliseconds per page). Only updates younger than rules.DROP_DAYS are ever given out."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.utils import timezone
from pydantic import BaseModel, Field

from . import rules
from .display import current_row


class AvailabilityOut(BaseModel):
    new_clients: Literal["yes", "waitlist", "no"] = Field(
        description="taking new clients today: yes, a waitlist (see wait_days), or no"
    )
    wait_days: int | None = Field(description="typical wait in days, with a waitlist")
    same_day_methadone: bool = Field(description="a new client can start methadone the same day")
    same_day_buprenorphine: bool = Field(description="a new client can start buprenorphine the same day")
    walk_in_hours: str = Field(description="walk-in hours in the facility's own words (plain text)")
    note: str = Field(description="a short note from the facility's staff (plain text)")
    updated_at: datetime
    age_seconds: int = Field(description="seconds since the update, when this answer was made")
    stale: bool = Field(
        description=f"older than {rules.FRESH_DAYS} days: may be out of date (after {rules.DROP_DAYS} days it is not given)"
    )
    soon: bool = Field(
        description=f"fresh, and new clients today or within {rules.SOON_MAX_DAYS} days ('can see me soon')"
    )


def availability_out(row: Any, *, now: datetime | None = None) -> AvailabilityOut | None:
    """A row as JSON, or None when it is older than DROP_DAYS."""
    if row is None:
        return None
    now = now or timezone.now()
    state = rules.state(row.updated_at, now)
    if state == "gone":
        return None
    return AvailabilityOut(
        new_clients=row.new_clients,
        wait_days=row.wait_days,
        same_day_methadone=row.same_day_methadone,
        same_day_buprenorphine=row.same_day_buprenorphine,
        walk_in_hours=row.walk_in_hours,
        note=row.note,
        updated_at=row.updated_at,
        age_seconds=rules.age_seconds(row.updated_at, now),
        stale=state == "stale",
        soon=state == "fresh" and row.soon_days is not None and row.soon_days <= rules.SOON_MAX_DAYS,
    )


def facility_availability_out(facility: Any, *, now: datetime | None = None) -> AvailabilityOut | None:
    """The facility's current availability (through its loaded relation), or None."""
    return availability_out(current_row(facility), now=now)
