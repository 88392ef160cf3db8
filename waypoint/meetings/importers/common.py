"""What every feed format turns into (MeetingRecord), and the checks they share.

A parser returns the good records of a feed and, for each entry it had to leave out, a
reason naming the entry (its index and name) and the field. Only a feed that is not a
feed at all (not JSON, not a list, too large) raises FeedError and changes nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
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


class FeedShrinks(FeedError):
    """A refresh would remove more of the feed's meetings than IMPORT_MAX_SHRINK_PERCENT."""

    def __init__(self, *, removed: int, previous: int, percent: int) -> None:
        self.removed, self.previous = removed, previous
        share = round(100 * removed / previous) if previous else 100
        super().__init__(
            f"this feed would remove {removed} of its {previous} meetings ({share}%, more than "
            f"IMPORT_MAX_SHRINK_PERCENT={percent}); if that is right, run it again with --allow-shrink "
            "(in the admin: the action that allows shrinking)"
        )


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
    # `updated` in the spec's format is UTC; other formats are the feed's local time and
    # become UTC once the meeting's zone is known (services._values).
    source_updated: datetime | None = None
    source_updated_local: datetime | None = None
    # Optional Meeting Guide fields carried through to the feed Waypoint publishes.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedFeed:
    records: list[MeetingRecord]
    warnings: list[str] = field(default_factory=list)
    # One line per entry left out: "meeting #3 ('Name'), field 'day': reason".
    skipped: list[str] = field(default_factory=list)


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


def normalise_url(url: str) -> str:
    parts = urlsplit(url.strip().lower())
    return (parts.netloc.removeprefix("www.") + parts.path.rstrip("/") + ("?" + parts.query if parts.query else ""))[
        :500
    ]


# --- Conference phones, addresses, slugs, `updated` ------------------------------------------

_DIAL_FORMATTING = re.compile(r"[\s\-().]")
_DIALABLE = re.compile(r"^[0-9+,*#]*")


def conference_phone(raw: str) -> tuple[str, str]:
    """(number to dial, words for the notes). The spec allows digits and `+ , * #` only
    (TSML UI drops anything else): formatting is removed, and a passcode with letters
    ("…#,,M1F3TT#") is cut off the dial string and kept for the notes."""
    compact = _DIAL_FORMATTING.sub("", raw or "")
    dial = _DIALABLE.match(compact).group(0)  # type: ignore[union-attr]
    rest = compact[len(dial) :]
    dial = dial.rstrip(",")
    if sum(ch.isdigit() for ch in dial) < 10:
        return "", (f"Phone: {raw.strip()}" if raw.strip() else "")
    return dial, (f"Passcode: {rest.strip(',')}" if rest.strip(",") else "")


_STREET_NUMBER = re.compile(r"\d")


def is_street_address(address: str) -> bool:
    """A street address has a number on its first line ("123 Main St", "#201 14567 118
    Avenue NW"); "Sussex County, DE, USA" or "Edmonton, Alberta, T5B 0S5, Canada" is only
    an area (an online meeting's approximate place)."""
    first = (address or "").split(",")[0]
    return bool(_STREET_NUMBER.search(first)) and any(ch.isalpha() for ch in first)


_SLUG = re.compile(r"^[A-Za-z0-9_-]{1,200}$")


def published_slug(raw: str, index: int) -> str:
    """A URL-safe slug for the feed Waypoint publishes ("Café Lunes" → "cafe-lunes");
    the source's own value stays the entry's identity."""
    if _SLUG.match(raw):
        return raw
    from django.utils.text import slugify

    return (slugify(raw, allow_unicode=False) or f"meeting-{index}")[:200]


_UPDATED_UTC = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
_UPDATED_LOCAL = ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]


def parse_updated(value: Any) -> tuple[datetime | None, datetime | None]:
    """(aware UTC time, naive local time): the spec's "YYYY-MM-DD HH:MM:SS" is UTC; an ISO
    time with an offset is exact; other formats real feeds use ("8/25/2022 11:17:07 AM",
    from a spreadsheet) are the feed's local time."""
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        return None, None
    text = value.strip()
    for fmt in _UPDATED_UTC:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC), None
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None and parsed.tzinfo is not None:
        return parsed.astimezone(UTC), None
    for fmt in _UPDATED_LOCAL:
        try:
            return None, datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None, None


# --- Optional fields carried through (spec: "Optional Fields", "Service Entity Fields") ------

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,}$")


def optional_fields(item: dict[str, Any], *, index: int, name: str, warnings: list[str]) -> dict[str, Any]:
    """The optional fields other apps use, each checked the way TSML UI checks it; a value
    that fails is left out with a warning. Contact names are never read (anonymity)."""
    extra: dict[str, Any] = {}

    def note(key: str, why: str) -> None:
        warnings.append(f"meeting #{index} ({name!r}): {key} {why}, left out")

    regions = item.get("regions")
    if isinstance(regions, list):
        kept = [r.strip()[:200] for r in regions if isinstance(r, str) and r.strip()][:10]
        if kept:
            extra["regions"] = kept
    for key in ("group_notes", "entity", "entity_location"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            extra[key] = value.strip()[: 5000 if key == "group_notes" else 200]
    for key in ("website", "entity_url", "entity_website_url", "entity_logo"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            url = web_url(value)
            if url and (key != "entity_logo" or url.startswith("https://")):
                extra[key] = url
            else:
                note(key, "is not a web link")
    feedback = item.get("feedback_url")
    if isinstance(feedback, str) and feedback.strip():
        value = feedback.strip()
        if web_url(value) or (value.startswith("mailto:") and _EMAIL.match(value[7:].split("?")[0])):
            extra["feedback_url"] = value[:500]
        else:
            note("feedback_url", "is not a web or mailto: link")
    for key in ("feedback_emails", "entity_feedback_emails"):
        value = item.get(key)
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        emails = [v.strip() for v in values if isinstance(v, str) and _EMAIL.match(v.strip())][:10]
        if emails:
            extra[key] = emails
        elif value not in (None, "", []):
            note(key, "holds no e-mail address")
    email = item.get("entity_email")
    if isinstance(email, str) and _EMAIL.match(email.strip()):
        extra["entity_email"] = email.strip()
    phone = item.get("entity_phone")
    if isinstance(phone, str) and re.fullmatch(r"[0-9+\-(). ]{7,30}", phone.strip()):
        extra["entity_phone"] = phone.strip()
    # Seventh Tradition handles, as TSML UI accepts them.
    checks = {
        "venmo": lambda v: v.startswith("@") and len(v) <= 40,
        "square": lambda v: v.startswith("$") and len(v) <= 40,
        "paypal": lambda v: v.isalnum() and len(v) <= 20,
    }
    for key, valid in checks.items():
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            if valid(value.strip()):
                extra[key] = value.strip()
            else:
                note(key, "is not a valid handle")
    # The spec: `entity` is required when any other entity field is present.
    if "entity" not in extra:
        for key in [k for k in extra if k.startswith("entity_")]:
            del extra[key]
    return extra
