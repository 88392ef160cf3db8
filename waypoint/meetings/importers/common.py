"""What every feed format turns into (MeetingRecord), and the checks they share.

A parser either returns every record of a feed or raises FeedError naming the entry
(its index in the feed) and the field: a feed is taken whole or not at all.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# Meeting Guide feeds write times as "19:00", "19:00:00" or "7:00 PM" (real feeds do).
_TIME_24 = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
_TIME_12 = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*([AaPp])\.?\s*[Mm]\.?\s*$")
_US_ZIP = re.compile(r"\b[A-Z]{2}\s+(\d{5})(?:-\d{4})?\b")


class FeedError(ValueError):
    """A feed we refuse. `index` is the 0-based position of the bad entry (None for the
    feed as a whole) and `field` the field at fault."""

    def __init__(self, message: str, *, index: int | None = None, field: str = "", name: str = "") -> None:
        self.message = message
        self.index = index
        self.field = field
        self.name = name
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.index is not None:
            where.append(f"meeting #{self.index}" + (f" ({self.name!r})" if self.name else ""))
        if self.field:
            where.append(f"field {self.field!r}")
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass
class MeetingRecord:
    source_id: str
    name: str
    slug: str
    days: list[int]  # 0 = Sunday … 6; empty = by appointment
    start_time: time | None
    end_time: time | None = None
    timezone: str = ""
    types: list[str] = field(default_factory=list)
    fellowship: str = ""
    attendance: str = "in_person"
    location: str = ""
    address: str = ""
    postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    approximate: bool = False
    online_url: str = ""
    online_notes: str = ""
    phone: str = ""
    phone_notes: str = ""
    notes: str = ""
    location_notes: str = ""
    group: str = ""
    region: str = ""
    source_url: str = ""
    source_updated: datetime | None = None


@dataclass
class ParsedFeed:
    records: list[MeetingRecord]
    warnings: list[str] = field(default_factory=list)


def parse_time(value: Any, *, index: int, field_name: str, name: str = "") -> time | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FeedError("must be a time like 19:00 (text)", index=index, field=field_name, name=name)
    if match := _TIME_24.match(value):
        hour, minute = int(match.group(1)), int(match.group(2))
        # 24:00 is how some feeds write midnight at the end of a meeting.
        if hour == 24 and minute == 0:
            hour = 0
    elif match := _TIME_12.match(value):
        hour, minute = int(match.group(1)), int(match.group(2))
        if not 1 <= hour <= 12:
            raise FeedError(f"{value!r} is not a time", index=index, field=field_name, name=name)
        hour = hour % 12 + (12 if match.group(3).lower() == "p" else 0)
    else:
        raise FeedError(f"{value!r} is not a time like 19:00", index=index, field=field_name, name=name)
    if hour > 23 or minute > 59:
        raise FeedError(f"{value!r} is not a time of day", index=index, field=field_name, name=name)
    return time(hour, minute)


def parse_coordinate(value: Any, *, limit: float, index: int, field_name: str, name: str = "") -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise FeedError("must be a number", index=index, field=field_name, name=name)
    try:
        number = float(value)
    except ValueError:
        raise FeedError(f"{value!r} is not a number", index=index, field=field_name, name=name) from None
    if not math.isfinite(number) or abs(number) > limit:
        raise FeedError(f"{value!r} is out of range", index=index, field=field_name, name=name)
    return number


def text(value: Any, *, index: int, field_name: str, name: str = "", limit: int = 5000) -> str:
    """An optional text field: None → "", numbers allowed (feeds write ids as numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FeedError("must be text", index=index, field=field_name, name=name)
    return str(value).strip()[:limit]


_URL = URLValidator(schemes=["http", "https"])


def web_url(value: str) -> str:
    """Keeps only valid http(s) links: a feed must not be able to plant a javascript: URL."""
    value = value.strip()
    if len(value) > 500:
        return ""
    try:
        _URL(value)
    except ValidationError:
        return ""
    return value


def us_zip_from_address(address: str) -> str:
    match = _US_ZIP.search(address or "")
    return match.group(1) if match else ""


def fold(value: str) -> str:
    value = unicodedata.normalize("NFKD", value or "")
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value).split())


_ADDRESS_WORDS = {
    "street": "st", "avenue": "ave", "road": "rd", "drive": "dr", "boulevard": "blvd", "lane": "ln",
    "north": "n", "south": "s", "east": "e", "west": "w", "usa": "", "united states": "",
}  # fmt: skip


def normalise_address(address: str) -> str:
    words = fold(address)
    for long, short in _ADDRESS_WORDS.items():
        words = re.sub(rf"\b{long}\b", short, words)
    return " ".join(words.split())


def normalise_url(url: str) -> str:
    parts = urlsplit(url.strip().lower())
    return (parts.netloc.removeprefix("www.") + parts.path.rstrip("/") + ("?" + parts.query if parts.query else ""))[
        :500
    ]
