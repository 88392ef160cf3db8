"""When a reminder is due: local times of day in the person's IANA time zone, turned into
UTC instants correctly across daylight-saving changes (pure functions, no database).

The rules (docs/reminders.md):

- A reminder at 08:00 is sent at 08:00 local time every day, whatever the UTC offset that
  day: the instant is computed for each day from the zone's rules, never by adding 24 hours.
- A local time that does not exist on a day (the hour skipped when clocks spring forward,
  e.g. 02:30 on the second Sunday of March in New York) is sent at the first valid local
  time after it: the moment the clocks jump (03:00 there).
- A local time that happens twice on a day (the hour repeated when clocks fall back) is sent
  once, at its first occurrence.
- Quiet hours (a local window such as 22:00–07:00, which may wrap past midnight): a
  reminder falling inside waits until the window ends.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.UTC
_SECOND = dt.timedelta(seconds=1)


def resolve_local(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of local time `at` on `day` in `zone` (see the module's rules)."""
    naive = dt.datetime.combine(day, at.replace(tzinfo=None))
    earlier_offset = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if earlier_offset.astimezone(zone).replace(tzinfo=None) == naive:
        return earlier_offset  # exists (when it exists twice, fold=0 is the first)
    # In a gap: fold=1 reads it with the offset after the change, which lands before the
    # gap; fold=0 with the one before, which lands after it. The jump lies in between:
    # find, to the second, the first instant whose local time is not before `naive`.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = earlier_offset
    while high - low > _SECOND:
        middle = low + dt.timedelta(seconds=int((high - low).total_seconds() // 2))
        if middle.astimezone(zone).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high


def next_daily(at: dt.time, zone: ZoneInfo, *, after: dt.datetime) -> dt.datetime:
    """The first instant strictly after `after` (aware) at which local time is `at`."""
    start = after.astimezone(zone).date() - dt.timedelta(days=1)
    for offset in range(5):  # a zone may skip a whole day (Samoa, 2011-12-30)
        candidate = resolve_local(start + dt.timedelta(days=offset), at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("no local time in five days")  # pragma: no cover


def in_quiet_hours(moment: dt.time, start: dt.time | None, end: dt.time | None) -> bool:
    """Whether a local time of day falls inside quiet hours [start, end)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # the window wraps past midnight


def after_quiet_hours(moment: dt.datetime, zone: ZoneInfo, start: dt.time | None, end: dt.time | None) -> dt.datetime:
    """`moment` itself, or the end of the quiet hours it falls in (UTC)."""
    local = moment.astimezone(zone)
    if end is None or not in_quiet_hours(local.time().replace(tzinfo=None), start, end):
        return moment
    return next_daily(end, zone, after=moment)


def zone_of(name: str | None, default: str) -> ZoneInfo:
    """The IANA zone `name`, or `default` when it is empty or unknown."""
    try:
        return ZoneInfo(name or default)
    except (KeyError, ValueError):
        return ZoneInfo(default)
