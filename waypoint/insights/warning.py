"""The early warning: a transparent score of how much harder the last few days look than
the person's usual, from the signals that come before opioid lapses.

Each signal is a plain rule that compares the last few days with the person's own usual
(the weeks before), gives an intensity from 0 to 1, and is multiplied by its weight; the
weights add up to 100, so the score is 0–100 and each signal's points are shown to the
person. The weights are set by hand, in the order the momentary-assessment studies rank the
signals (clinical-facts.md, recovery science: rising craving and its swings, negative mood,
cues, short sleep; stress weaker — left out), plus the engagement signals the product asks
for (missed check-ins, doses, meetings). They are not fitted to anyone's data.
docs/insights.md lists each rule, its weight and its source.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from waypoint.insights.facts import CheckinLike
from waypoint.insights.frame import Frame, build_frame

# name -> weight (points at full intensity). Order = the order shown to the person.
WEIGHTS: dict[str, float] = {
    "craving_level": 20.0,  # craving above one's usual (Epstein, Preston et al.)
    "craving_rising": 15.0,  # craving climbing over the week
    "craving_swings": 10.0,  # bigger day-to-day swings than usual
    "low_mood": 15.0,  # mood below one's usual (sadness, anger precede craving)
    "triggers": 10.0,  # more days with triggers met (cues) than usual
    "short_sleep": 10.0,  # more short nights (< 6 h) than usual
    "missed_checkins": 8.0,  # more days without a check-in than usual
    "missed_medication": 7.0,  # more missed doses than usual (only with a medication)
    "fewer_meetings": 5.0,  # fewer meetings than one's usual
}
# The prompt appears at this score. Set on the benchmark's calibration seed for about one
# prompt per person per month (with a week between prompts); see docs/insights.md.
THRESHOLD = 40.0
COOLDOWN_DAYS = 7  # days between two prompts counted as alerts in the benchmark
MIN_USUAL_CHECKINS = 14  # in the 30 days before: no score without a usual to compare with
SHORT_SLEEP_HOURS = 6.0


@dataclass(frozen=True)
class Signal:
    name: str
    points: float  # weight × intensity
    weight: float
    value: float | None  # what was seen recently (mean, share, slope...); None: no data
    usual: float | None  # the person's usual, for comparison


@dataclass(frozen=True)
class DayWarning:
    date: datetime.date
    score: float
    signals: tuple[Signal, ...]

    @property
    def above(self) -> bool:
        return self.score >= THRESHOLD

    def points(self) -> dict[str, float]:
        return {s.name: s.points for s in self.signals}


def _csum(values: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(values)])


def _window(cum: np.ndarray, first: int, last: int) -> np.ndarray:
    """For every day t: the sum over days t-first .. t-last (inclusive, clipped at day 0)."""
    size = cum.size - 1
    t = np.arange(size)
    hi = np.clip(t - last + 1, 0, size)
    lo = np.clip(t - first, 0, size)
    return cum[hi] - cum[np.minimum(lo, hi)]


class _Rolling:
    """Sums and counts over trailing windows of a daily series with gaps (NaN)."""

    def __init__(self, values: np.ndarray) -> None:
        present = ~np.isnan(values)
        self.sum = _csum(np.where(present, values, 0.0))
        self.count = _csum(present.astype(float))

    def mean(self, first: int, last: int, minimum: int = 1) -> tuple[np.ndarray, np.ndarray]:
        total = _window(self.sum, first, last)
        count = _window(self.count, first, last)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(count >= minimum, total / np.maximum(count, 1), np.nan)
        return mean, count


def _clip01(values: np.ndarray) -> np.ndarray:
    return np.clip(np.nan_to_num(values, nan=0.0), 0.0, 1.0)


def _dense(frame: Frame, column: np.ndarray, days: int) -> np.ndarray:
    out = np.full(days, np.nan)
    out[frame.ordinals - frame.ordinals[0]] = column
    return out


def _slope(values: np.ndarray, span: int, minimum: int) -> np.ndarray:
    """Least-squares slope (per day) over each trailing window of `span` days."""
    present = ~np.isnan(values)
    x = np.arange(values.size, dtype=float)
    y = np.where(present, values, 0.0)
    v = present.astype(float)
    n = _window(_csum(v), span - 1, 0)
    sx = _window(_csum(v * x), span - 1, 0)
    sy = _window(_csum(y), span - 1, 0)
    sxx = _window(_csum(v * x * x), span - 1, 0)
    sxy = _window(_csum(x * y), span - 1, 0)
    denominator = n * sxx - sx * sx
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (n * sxy - sx * sy) / denominator
    return np.where((n >= minimum) & (denominator > 0), slope, np.nan)


@dataclass(frozen=True)
class Series:
    """The score and every signal for each day from the first check-in to `through`."""

    start: datetime.date
    score: np.ndarray  # NaN where there is no usual yet
    points: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    usual: dict[str, np.ndarray]

    def dates(self) -> list[datetime.date]:
        return [self.start + datetime.timedelta(days=i) for i in range(self.score.size)]

    def day(self, index: int) -> DayWarning | None:
        if index < 0 or index >= self.score.size or np.isnan(self.score[index]):
            return None

        def num(array: np.ndarray) -> float | None:
            value = float(array[index])
            return None if np.isnan(value) else round(value, 2)

        signals = tuple(
            Signal(
                name=name,
                points=round(float(self.points[name][index]), 1),
                weight=weight,
                value=num(self.values[name]),
                usual=num(self.usual[name]),
            )
            for name, weight in WEIGHTS.items()
        )
        date = self.start + datetime.timedelta(days=index)
        return DayWarning(date=date, score=round(float(self.score[index]), 1), signals=signals)

    def on(self, date: datetime.date) -> DayWarning | None:
        return self.day((date - self.start).days)

    def days(self) -> list[DayWarning]:
        return [d for d in (self.day(i) for i in range(self.score.size)) if d is not None]


def warning_series(frame: Frame, *, through: datetime.date | None = None) -> Series | None:
    """Every day's score from the first check-in up to `through` (default: the last one)."""
    if frame.size == 0:
        return None
    start = frame.first_date
    assert start is not None  # noqa: S101 - frame is not empty
    end = through or frame.last_date
    assert end is not None  # noqa: S101
    days = (end - start).days + 1
    if days <= 0:
        return None
    frame = _up_to(frame, end)
    craving = _dense(frame, frame.craving, days)
    mood = _dense(frame, frame.mood, days)
    sleep = _dense(frame, frame.sleep, days)
    medication = _dense(frame, frame.medication, days)
    meeting = _dense(frame, frame.meeting, days)
    checked = _dense(frame, np.ones(frame.size), days)
    any_trigger = np.zeros(frame.size)
    for _, met in frame.triggers.values():
        any_trigger = np.maximum(any_trigger, met)
    triggered = _dense(frame, any_trigger, days)
    with np.errstate(invalid="ignore"):
        short = np.where(np.isnan(sleep), np.nan, (sleep < SHORT_SLEEP_HOURS).astype(float))
        missed_dose = np.where(np.isnan(medication), np.nan, 1.0 - medication)
    absent = np.where(np.isnan(checked), 1.0, 0.0)

    points: dict[str, np.ndarray] = {}
    values: dict[str, np.ndarray] = {}
    usual: dict[str, np.ndarray] = {}

    # Craving: the last 3 days against days 4–30 before.
    rolling = _Rolling(craving)
    recent, _ = rolling.mean(2, 0)
    base, _ = rolling.mean(30, 3, minimum=7)
    values["craving_level"], usual["craving_level"] = recent, base
    points["craving_level"] = _clip01((recent - base) / 3.0)

    # Rising: slope over the last 7 days (at least 4 check-ins), full at +0.5 a day.
    slope = _slope(craving, 7, 4)
    values["craving_rising"], usual["craving_rising"] = slope * 7, np.full(days, np.nan)
    points["craving_rising"] = _clip01(slope / 0.5)

    # Swings: mean size of day-to-day changes, last 7 days against days 8–35 before.
    change = np.abs(np.diff(craving, prepend=np.nan))
    rolling = _Rolling(change)
    recent, _ = rolling.mean(6, 0, minimum=3)
    base, _ = rolling.mean(34, 7, minimum=5)
    values["craving_swings"], usual["craving_swings"] = recent, base
    points["craving_swings"] = _clip01((recent - base) / 2.0)

    # Mood (1–5): the last 3 days against days 4–30 before; full at 1.5 below.
    rolling = _Rolling(mood)
    recent, _ = rolling.mean(2, 0)
    base, _ = rolling.mean(30, 3, minimum=7)
    values["low_mood"], usual["low_mood"] = recent, base
    points["low_mood"] = _clip01((base - recent) / 1.5)

    # Shares of days: triggers met, short nights (last 3 days against days 4–30 before).
    for name, series in (("triggers", triggered), ("short_sleep", short)):
        rolling = _Rolling(series)
        recent, _ = rolling.mean(2, 0)
        base, _ = rolling.mean(30, 3, minimum=7)
        values[name], usual[name] = recent, base
        points[name] = _clip01((recent - base) / 0.5)

    # Days without a check-in in the 7 days before today (today may not be over), against
    # days 8–35 before; full at 3 more days in 7 than usual.
    rolling = _Rolling(absent)
    recent, _ = rolling.mean(7, 1, minimum=7)
    base, _ = rolling.mean(35, 8, minimum=14)
    values["missed_checkins"], usual["missed_checkins"] = recent * 7, base * 7
    points["missed_checkins"] = _clip01((recent - base) / (3 / 7))

    # Missed doses, only for people with a medication: last 7 days against days 8–35.
    rolling = _Rolling(missed_dose)
    recent, _ = rolling.mean(6, 0, minimum=2)
    base, _ = rolling.mean(34, 7, minimum=7)
    values["missed_medication"], usual["missed_medication"] = recent, base
    points["missed_medication"] = _clip01((recent - base) / 0.3)

    # Meetings in the last 14 days against the 8 weeks before (as meetings per 14 days),
    # for people who usually go at least once in two weeks.
    went = np.nan_to_num(meeting, nan=0.0)
    recent = _window(_csum(went), 13, 0)
    known = _window(_csum(checked == 1), 69, 14)
    base = np.where(known >= 14, _window(_csum(went), 69, 14) / 56 * 14, np.nan)
    values["fewer_meetings"], usual["fewer_meetings"] = recent, base
    with np.errstate(invalid="ignore", divide="ignore"):
        points["fewer_meetings"] = np.where(base >= 1, _clip01((base - recent) / np.maximum(base, 1e-9)), 0.0)

    for name, weight in WEIGHTS.items():
        points[name] = points[name] * weight
    # A score needs a usual: at least MIN_USUAL_CHECKINS check-ins in the 30 days before.
    history = _window(_csum(np.nan_to_num(checked)), 30, 1)
    total = np.sum([points[name] for name in WEIGHTS], axis=0)
    score = np.where(history >= MIN_USUAL_CHECKINS, total, np.nan)
    return Series(start=start, score=score, points=points, values=values, usual=usual)


def _up_to(frame: Frame, end: datetime.date) -> Frame:
    """The frame without rows after `end` (a score never looks into the future)."""
    keep = frame.ordinals <= end.toordinal()
    if keep.all():
        return frame
    return Frame(
        ordinals=frame.ordinals[keep],
        weekday=frame.weekday[keep],
        block=frame.block[keep],
        craving=frame.craving[keep],
        mood=frame.mood[keep],
        sleep=frame.sleep[keep],
        stress=frame.stress[keep],
        pain=frame.pain[keep],
        used=frame.used[keep],
        medication=frame.medication[keep],
        meeting=frame.meeting[keep],
        therapy=frame.therapy[keep],
        time_of_day=frame.time_of_day[keep],
        triggers={k: (label, met[keep]) for k, (label, met) in frame.triggers.items() if met[keep].any()},
    )


def warning_for(
    rows: Iterable[CheckinLike], *, today: datetime.date, time_zone: ZoneInfo | None = None
) -> DayWarning | None:
    """Today's score and signals for one person (None without enough history)."""
    frame = build_frame(rows, time_zone=time_zone)
    if frame.size == 0 or frame.first_date is None or frame.first_date > today:
        return None
    series = warning_series(frame, through=today)
    return series.on(today) if series is not None else None
