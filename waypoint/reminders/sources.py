"""What reminders read from the recovery companion: the one module that talks to it, through
its published selectors only (docs/recovery.md, "For other apps")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any


def profile(*, user: Any) -> Any:
    """The recovery profile (time zone, medication and dose times), or None."""
    from waypoint.recovery.selectors import profile_for

    return profile_for(user=user)


def last_checkins(*, user_ids: Sequence[int]) -> dict[int, dt.date | None]:
    """The date of each person's last check-in (two queries for any number of people)."""
    from waypoint.recovery.selectors import board_facts

    return {user_id: facts.last_checkin for user_id, facts in board_facts(user_ids=list(user_ids)).items()}


def barc_due_on(*, user: Any) -> dt.date | None:
    from waypoint.recovery.selectors import barc_due_on as due

    return due(user=user)


def goals_due(*, user: Any, day: dt.date) -> list[Any]:
    from waypoint.recovery.selectors import goals_due_between

    return goals_due_between(user=user, start=day, end=day)


def appointments_between(*, user: Any, start: dt.datetime, end: dt.datetime) -> list[Any]:
    from waypoint.recovery.selectors import appointments_between as between

    return between(user=user, start=start, end=end)
