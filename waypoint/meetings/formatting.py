"""Words for days and times in the reader's language (Babel's CLDR data), always naming
the time zone so nobody mistakes a meeting's local time for their own."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_day_names
from django.utils import translation
from django.utils.translation import gettext as _


def _lang() -> str:
    return (translation.get_language() or "en")[:2]


def day_name(day: int) -> str:
    """0 = Sunday; Babel counts 0 = Monday."""
    return _upper_first(str(get_day_names("wide", locale=_lang())[(day - 1) % 7]))


def _upper_first(value: str) -> str:
    return value[:1].upper() + value[1:]


def days_label(days: list[int]) -> str:
    if not days:
        return _("No set day (ask the group)")
    return ", ".join(day_name(d) for d in days)


def time_label(value: time | None) -> str:
    if value is None:
        return ""
    return str(format_time(value, format="short", locale=_lang()))


def occurrence_label(instant: datetime, zone: str) -> str:
    """ "Tuesday, Nov 24, 7:00 PM EST" in `zone`."""
    local = instant.astimezone(ZoneInfo(zone))
    day = format_date(local.date(), format="EEEE, MMM d", locale=_lang())
    return f"{_upper_first(str(day))}, {format_time(local.time(), format='short', locale=_lang())} {local:%Z}"
