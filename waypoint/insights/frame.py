"""One person's check-ins as numpy columns: what every analysis and the early warning read.

Rows are the days that have a check-in (missing days are absent, as in the database); a
field nobody answered that day is NaN. Nothing here knows about Django.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np

from waypoint.insights.facts import CheckinLike

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Local hour bands of the check-in time; a check-in between 22:00 and 05:00 is "night".
TIMES_OF_DAY = ("morning", "afternoon", "evening", "night")


def time_of_day(hour: int) -> int:
    """Index into TIMES_OF_DAY for a local hour."""
    if 5 <= hour < 12:
        return 0
    if 12 <= hour < 17:
        return 1
    if 17 <= hour < 22:
        return 2
    return 3


def _num(value: float | int | None) -> float:
    if value is None:
        return math.nan
    return float(value)


def _flag(value: bool | None) -> float:
    if value is None:
        return math.nan
    return 1.0 if value else 0.0


def trigger_key(name: str) -> str:
    """Two spellings of one trigger ("Payday", " payday ") count as one."""
    return " ".join(name.split()).casefold()


@dataclass
class Frame:
    ordinals: np.ndarray  # int64, date.toordinal(), ascending, unique
    weekday: np.ndarray  # 0 = Monday
    block: np.ndarray  # calendar week: the ordinal of its Monday
    craving: np.ndarray
    mood: np.ndarray
    sleep: np.ndarray
    stress: np.ndarray
    pain: np.ndarray
    used: np.ndarray  # 1.0 / 0.0, never NaN
    medication: np.ndarray  # 1 taken, 0 not taken, NaN no medication / not answered
    meeting: np.ndarray
    therapy: np.ndarray
    time_of_day: np.ndarray  # index into TIMES_OF_DAY, -1 unknown
    # trigger key -> (the person's own spelling, bool per row)
    triggers: dict[str, tuple[str, np.ndarray]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.ordinals.size)

    @property
    def first_date(self) -> datetime.date | None:
        return datetime.date.fromordinal(int(self.ordinals[0])) if self.size else None

    @property
    def last_date(self) -> datetime.date | None:
        return datetime.date.fromordinal(int(self.ordinals[-1])) if self.size else None


def build_frame(rows: Iterable[CheckinLike], *, time_zone: ZoneInfo | None = None) -> Frame:
    """Columns for `rows` (sorted here by date). Two rows for one date is a caller's bug.

    `time_zone` turns `recorded_at` (UTC) into a local hour; without it an aware
    `recorded_at` is read in its own offset (a CSV's local time), and a naive one as local.
    """
    ordered: Sequence[CheckinLike] = sorted(rows, key=lambda r: r.date)
    size = len(ordered)
    ordinals = np.fromiter((r.date.toordinal() for r in ordered), dtype=np.int64, count=size)
    if size > 1 and np.any(np.diff(ordinals) == 0):
        raise ValueError("two check-ins for the same date")
    weekday = np.fromiter((r.date.weekday() for r in ordered), dtype=np.int64, count=size)
    # One pass over the rows (attribute access dominates for two years of rows).
    table = np.array(
        [
            (
                _num(r.craving), _num(r.mood), _num(r.sleep_hours), _num(r.stress), _num(r.pain),
                1.0 if r.used else 0.0, _flag(r.medication_taken), _flag(r.meeting), _flag(r.therapy),
            )
            for r in ordered
        ],
        dtype=np.float64,
    ).reshape(size, 9)  # fmt: skip
    craving, mood, sleep, stress, pain, used, medication, meeting, therapy = (table[:, i].copy() for i in range(9))

    tod = np.full(size, -1, dtype=np.int64)
    for index, row in enumerate(ordered):
        stamp = row.recorded_at
        if stamp is None:
            continue
        if time_zone is not None and stamp.tzinfo is not None:
            stamp = stamp.astimezone(time_zone)
        tod[index] = time_of_day(stamp.hour)

    spellings: dict[str, str] = {}
    met: dict[str, np.ndarray] = {}
    for index, row in enumerate(ordered):
        for name in row.triggers or ():
            key = trigger_key(name)
            if not key:
                continue
            if key not in met:
                spellings[key] = " ".join(name.split())
                met[key] = np.zeros(size, dtype=bool)
            met[key][index] = True

    return Frame(
        ordinals=ordinals,
        weekday=weekday,
        block=ordinals - weekday,
        craving=craving,
        mood=mood,
        sleep=sleep,
        stress=stress,
        pain=pain,
        used=used,
        medication=medication,
        meeting=meeting,
        therapy=therapy,
        time_of_day=tod,
        triggers={key: (spellings[key], met[key]) for key in sorted(met)},
    )
