"""VTIMEZONE components with yearly RRULEs, as calendar servers write them.

icalendar's `add_missing_timezones()` lists a zone's DST changes as one comma-separated
RDATE line per rule; ical.js (Thunderbird, Nextcloud) reads only the first value of such a
line, so for most of the year it used the wrong offset and put every meeting an hour
late. A zone's current rules are in the POSIX TZ string at the end of its TZif file
("EST5EDT,M3.2.0,M11.1.0"): one STANDARD and one DAYLIGHT component with a yearly RRULE
each describe it exactly for the weekly meetings we export (which start now, not in the
past). The few zones whose rule cannot be written that way (a change "at 24:00", or on
"the Friday before the last Sunday": Cairo, Jerusalem, Santiago, Nuuk) get icalendar's
transition list for the next 20 years with one date per RDATE line, which ical.js reads.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

_ICAL_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
# std name, std offset, [dst name, [dst offset], start rule, end rule]; names may be <+03>.
_NAME = r"(<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"([+-]?\d{1,2}(?::\d{2}){0,2})"
_RULE = r"(M\d{1,2}\.\d\.\d(?:/[+-]?\d{1,3}(?::\d{2}){0,2})?)"
_POSIX = re.compile(rf"^{_NAME}{_OFFSET}(?:{_NAME}{_OFFSET}?,{_RULE},{_RULE})?$")


class UnsupportedZone(ValueError):
    pass


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(part) for part in text.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


@cache
def posix_rule(zone: str) -> str:
    """The POSIX TZ string at the end of the zone's TZif (version 2+) file."""
    data: bytes | None = None
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / zone
        if path.is_file():
            data = path.read_bytes()
            break
    if data is None:
        try:
            data = resources.files("tzdata.zoneinfo").joinpath(*zone.split("/")).read_bytes()
        except (ModuleNotFoundError, FileNotFoundError, OSError):
            raise UnsupportedZone(zone) from None
    if not data.startswith(b"TZif") or not data.endswith(b"\n"):
        raise UnsupportedZone(zone)
    return data[:-1].rsplit(b"\n", 1)[-1].decode("ascii")


def _name(text: str) -> str:
    return text.strip("<>")


def _onset(rule: str, year: int) -> tuple[datetime, vRecur]:
    """The first local time a `Mm.w.d[/time]` rule fires in `year`, and its RRULE."""
    when, _sep, at = rule[1:].partition("/")
    month, week, weekday = (int(part) for part in when.split("."))
    seconds = _seconds(at) if at else 7200
    if not 0 <= seconds < 24 * 3600:
        raise UnsupportedZone(rule)  # a time past midnight would move the weekday
    if week == 5:
        day = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        day -= timedelta(days=(day.isoweekday() % 7 - weekday) % 7)
        byday = f"-1{_ICAL_DAYS[weekday]}"
    else:
        day = date(year, month, 1)
        day += timedelta(days=(weekday - day.isoweekday() % 7) % 7 + 7 * (week - 1))
        byday = f"{week}{_ICAL_DAYS[weekday]}"
    start = datetime.combine(day, datetime.min.time()) + timedelta(seconds=seconds)
    return start, vRecur(freq="YEARLY", bymonth=month, byday=byday)


def vtimezone(zone: str, *, today: date | None = None) -> Timezone:
    """The zone as one VTIMEZONE: RRULE-based STANDARD/DAYLIGHT components when its rule
    allows, else a transition list with one date per RDATE line."""
    try:
        return _with_rrules(zone)
    except UnsupportedZone:
        return _with_single_rdates(zone, today or date.today())


def _with_single_rdates(zone: str, today: date) -> Timezone:
    component = Timezone.from_tzid(
        zone, first_date=today.replace(year=today.year - 1), last_date=today.replace(year=today.year + 20)
    )
    for part in component.subcomponents:
        listed = part.pop("RDATE", None)
        if listed is None:
            continue
        for values in listed if isinstance(listed, list) else [listed]:
            for value in values.dts:
                part.add("rdate", value.dt)
    return component


def _with_rrules(zone: str) -> Timezone:
    match = _POSIX.match(posix_rule(zone))
    if match is None:
        raise UnsupportedZone(zone)
    std_name, std_offset, dst_name, dst_offset, dst_rule, std_rule = match.groups()
    # POSIX offsets count hours *west* of Greenwich: "EST5" is UTC-5.
    standard = timedelta(seconds=-_seconds(std_offset))
    component = Timezone()
    component.add("tzid", zone)
    if not dst_name:
        only = TimezoneStandard()
        only.add("tzname", _name(std_name))
        only.add("dtstart", datetime(1970, 1, 1))
        only.add("tzoffsetfrom", standard)
        only.add("tzoffsetto", standard)
        component.add_component(only)
        return component
    daylight = timedelta(seconds=-_seconds(dst_offset)) if dst_offset else standard + timedelta(hours=1)
    for kind, name, rule, offset_from, offset_to in (
        (TimezoneDaylight, dst_name, dst_rule, standard, daylight),
        (TimezoneStandard, std_name, std_rule, daylight, standard),
    ):
        start, rrule = _onset(rule, 1970)
        part = kind()
        part.add("tzname", _name(name))
        part.add("dtstart", start)
        part.add("rrule", rrule)
        part.add("tzoffsetfrom", offset_from)
        part.add("tzoffsetto", offset_to)
        component.add_component(part)
    return component
