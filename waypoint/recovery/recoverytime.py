"""Recovery time, exactly as Waypoint defines it (docs/recovery.md). Pure functions of the
facts — start date, today's local date, the days recorded as use — so nothing derived is
ever stored that could drift from them.

A day counts once it is over, as recovery communities count:

- **days in recovery**: the dates d with start_date ≤ d < today on which no use was
  recorded. Cumulative: a lapse removes only its own day(s). Starting today gives 0;
  tomorrow, 1.
- **current stretch**: the dates d with (the day after the last lapse day, or the start
  date) ≤ d < today.
- **longest stretch**: the longest run of consecutive dates without use within
  start_date ≤ d < today.

Milestones are thresholds on days in recovery: 1, 7, 30, 60, 90 days, 6 months (180
days), 9 months (270 days), 1 year (365 days), then every year (365 days each).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
FIRST_MILESTONES = (1, 7, 30, 60, 90, 180, 270, 365)
YEAR_DAYS = 365


@dataclass(frozen=True)
class RecoveryTime:
    start_date: date
    today: date
    days_in_recovery: int
    current_stretch_days: int
    longest_stretch_days: int


def expand(ranges: Iterable[tuple[date, date]], *, until: date | None = None) -> list[date]:
    """Every date covered by (first, last) ranges, sorted, once each; dates after
    `until` are left out (use is never recorded for a day that has not come)."""
    days: set[date] = set()
    for first, last in ranges:
        if until is not None and last > until:
            last = until
        day = first
        while day <= last:
            days.add(day)
            day += ONE_DAY
    return sorted(days)


def recovery_time(*, start_date: date, today: date, lapse_days: Iterable[date]) -> RecoveryTime:
    """The three counts for `today`. Lapse days outside start_date..today change nothing."""
    in_range = sorted({day for day in lapse_days if start_date <= day <= today})
    over = [day for day in in_range if day < today]  # days that are over
    total = max(0, (today - start_date).days)
    days = total - len(over)
    stretch_from = in_range[-1] + ONE_DAY if in_range else start_date
    current = max(0, (today - stretch_from).days)
    longest = 0
    previous = start_date - ONE_DAY
    for day in over:
        longest = max(longest, (day - previous).days - 1)
        previous = day
    longest = max(longest, (today - previous).days - 1)
    return RecoveryTime(
        start_date=start_date,
        today=today,
        days_in_recovery=days,
        current_stretch_days=current,
        longest_stretch_days=max(0, longest),
    )


def milestones_up_to(days: int) -> list[int]:
    """Every milestone threshold of at most `days` days, in order."""
    found = [m for m in FIRST_MILESTONES if m <= days]
    year = 2
    while YEAR_DAYS * year <= days:
        found.append(YEAR_DAYS * year)
        year += 1
    return found


def milestone_after(days: int) -> int:
    """The smallest threshold above `days`."""
    for threshold in FIRST_MILESTONES:
        if threshold > days:
            return threshold
    return YEAR_DAYS * (days // YEAR_DAYS + 1)


def next_milestone(*, days_in_recovery: int, reached: Iterable[int]) -> int:
    """The smallest threshold not reached yet and still ahead. (A milestone kept after a
    lapse lowered the count is not offered again.)"""
    done = set(reached)
    threshold = milestone_after(days_in_recovery)
    while threshold in done:
        threshold = milestone_after(threshold)
    return threshold


def nth_counted_day(*, start_date: date, lapse_days: list[date], n: int) -> date:
    """The date of the n-th day (1-based) without use from `start_date`. `lapse_days`
    sorted and distinct."""
    day = start_date + timedelta(days=n - 1)
    index = bisect.bisect_left(lapse_days, start_date)
    while index < len(lapse_days) and lapse_days[index] <= day:
        day += ONE_DAY
        index += 1
    return day


def milestones_reached(*, start_date: date, today: date, lapse_days: Iterable[date]) -> dict[int, date]:
    """Each threshold reached by `today`, with the date it was reached: the day after
    its last counted day (a day counts once it is over)."""
    sorted_days = sorted({day for day in lapse_days if start_date <= day < today})
    days = recovery_time(start_date=start_date, today=today, lapse_days=sorted_days).days_in_recovery
    return {
        threshold: nth_counted_day(start_date=start_date, lapse_days=sorted_days, n=threshold) + ONE_DAY
        for threshold in milestones_up_to(days)
    }
