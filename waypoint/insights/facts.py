"""The shape of one day's check-in, as the insight engine reads it.

The recovery app owns the real thing (``waypoint.recovery.selectors.CheckinFacts``, see
/work/notes/contracts.md): the engine accepts any object with these attributes, so it runs
the same on rows from the database, on a CSV (``manage.py insights_explain``) and on the
synthetic cohorts of ``bench/bench_insights.py`` — none of which need a database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol


class CheckinLike(Protocol):
    """What the engine reads from a check-in (the recovery app's ``CheckinFacts``)."""

    @property
    def date(self) -> datetime.date: ...
    @property
    def mood(self) -> int | None: ...
    @property
    def craving(self) -> int | None: ...
    @property
    def used(self) -> bool: ...
    @property
    def sleep_hours(self) -> float | None: ...
    @property
    def medication_taken(self) -> bool | None: ...
    @property
    def meeting(self) -> bool | None: ...
    @property
    def therapy(self) -> bool | None: ...
    @property
    def stress(self) -> int | None: ...
    @property
    def pain(self) -> int | None: ...
    @property
    def triggers(self) -> tuple[str, ...]: ...
    @property
    def recorded_at(self) -> datetime.datetime | None: ...


@dataclass(frozen=True)
class Checkin:
    """A check-in day with the same fields as the recovery app's ``CheckinFacts``.

    ``sleep_hours`` is the night *before* ``date`` (the check-in asks how one slept last
    night), so "sleep → next-day craving" pairs a row's sleep with the same row's craving.
    """

    date: datetime.date
    mood: int | None = None
    craving: int | None = None
    used: bool = False
    sleep_hours: float | None = None
    medication_taken: bool | None = None
    meeting: bool | None = None
    therapy: bool | None = None
    stress: int | None = None
    pain: int | None = None
    triggers: tuple[str, ...] = ()
    recorded_at: datetime.datetime | None = None
