"""BMLT semantic API (`GetSearchResults` + `GetFormats`) → MeetingRecord.

Every BMLT value is a string. Weekdays are 1 = Sunday … 7 and become 0 … 6 here.
Format codes are the server's own (key strings); their NAWS `world_id` says what they mean,
which maps to Meeting Guide type codes through data/bmlt_formats.json.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.text import slugify

from waypoint.meetings.importers.common import (
    FeedError,
    MeetingRecord,
    ParsedFeed,
    conference_phone,
    is_street_address,
    parse_coordinate,
    parse_time,
    text,
    web_url,
)
from waypoint.meetings.meeting_types import DATA_DIR, is_known
from waypoint.meetings.models import Fellowship, validate_timezone

_DURATION = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


@cache
def _format_map() -> dict[str, dict[str, str]]:
    return dict(json.loads((DATA_DIR / "bmlt_formats.json").read_text(encoding="utf-8")))


def format_types(formats: list[Any]) -> dict[str, str]:
    """Server key string → Meeting Guide code ("" when it has none), from GetFormats."""
    if not isinstance(formats, list):
        raise FeedError("GetFormats must return a JSON array")
    table = _format_map()
    result: dict[str, str] = {}
    for index, fmt in enumerate(formats):
        if not isinstance(fmt, dict) or not isinstance(fmt.get("key_string"), str):
            raise FeedError("each format needs a key_string (text)", index=index, field="key_string")
        key = fmt["key_string"].strip()
        world = str(fmt.get("world_id") or "").strip().upper()
        code = table["world_id"].get(world)
        if code is None:
            code = table["key_string"].get(key, "")
        result[key] = code
    return result


def parse_bmlt(meetings: Any, formats: list[Any]) -> ParsedFeed:
    if isinstance(meetings, dict) and "meetings" in meetings:
        meetings = meetings["meetings"]  # the get_used_formats=1 envelope
    if not isinstance(meetings, list):
        raise FeedError("GetSearchResults must return a JSON array of meetings")
    limit = int(settings.IMPORT_MAX_ROWS)
    if len(meetings) > limit:
        raise FeedError(f"more than {limit:,} meetings in one feed (IMPORT_MAX_ROWS)")
    codes = format_types(formats)
    parsed = ParsedFeed(records=[])
    seen: set[str] = set()
    for index, item in enumerate(meetings):
        # A bad meeting is left out with its reason; the rest of the server's list imports.
        try:
            record = _record(item, index, codes, parsed.warnings)
            if record.source_id in seen:
                raise FeedError(f"id {record.source_id} appears twice", index=index, field="id_bigint")
        except FeedError as exc:
            parsed.skipped.append(str(exc))
            continue
        seen.add(record.source_id)
        parsed.records.append(record)
    return parsed


def _string(item: dict[str, Any], key: str, index: int, name: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        # The API documents every value as a string; anything else is a broken server.
        raise FeedError("must be a string, as the BMLT API sends every value", index=index, field=key, name=name)
    return value.strip()


def _record(item: Any, index: int, codes: dict[str, str], warnings: list[str]) -> MeetingRecord:
    if not isinstance(item, dict):
        raise FeedError("each meeting must be a JSON object", index=index)
    name = text(item.get("meeting_name"), index=index, field_name="meeting_name", limit=200)

    def get(key: str) -> str:
        return _string(item, key, index, name)

    meeting_id = get("id_bigint")
    if not meeting_id.isdigit():
        raise FeedError("is required (a number as text)", index=index, field="id_bigint", name=name)
    if not name:
        raise FeedError("is required", index=index, field="meeting_name")
    weekday = get("weekday_tinyint")
    if weekday not in {"1", "2", "3", "4", "5", "6", "7"}:
        raise FeedError(f"{weekday!r} is not 1 (Sunday) to 7", index=index, field="weekday_tinyint", name=name)
    start = parse_time(get("start_time"), index=index, field_name="start_time", name=name)
    if start is None:
        raise FeedError("is required", index=index, field="start_time", name=name)
    end = None
    if match := _DURATION.match(get("duration_time")):
        duration = timedelta(hours=int(match.group(1)), minutes=int(match.group(2)))
        if duration:
            end = (datetime.combine(datetime(2000, 1, 1), start) + duration).time()
    timezone = get("time_zone")
    if timezone:
        try:
            validate_timezone(timezone)
        except Exception:
            raise FeedError(
                f"{timezone!r} is not a time zone name", index=index, field="time_zone", name=name
            ) from None
    types: list[str] = []
    for key in (k.strip() for k in get("formats").split(",")):
        code = codes.get(key, "")
        if key and key not in codes:
            warnings.append(f"meeting #{index} ({name!r}): format {key!r} is not in GetFormats, left out")
        if code and is_known(code) and code not in types:
            types.append(code)
    language = _format_map()["lang_enum"].get(get("lang_enum")[:2].lower(), "")
    if language and language != "EN" and language not in types:
        types.append(language)
    latitude = parse_coordinate(get("latitude"), limit=90, index=index, field_name="latitude", name=name)
    longitude = parse_coordinate(get("longitude"), limit=180, index=index, field_name="longitude", name=name)
    if latitude == 0 and longitude == 0:
        latitude = longitude = None  # BMLT's "no coordinates"
    venue = get("venue_type") or "1"
    if venue not in {"1", "2", "3", "4"}:
        raise FeedError(f"{venue!r} is not 1, 2 or 3", index=index, field="venue_type", name=name)
    attendance = {"1": "in_person", "2": "online", "3": "hybrid", "4": "inactive"}[venue]
    postal = get("location_postal_code_1")
    province_postal = " ".join(p for p in [get("location_province"), postal] if p)
    address_parts = [get("location_street"), get("location_municipality"), province_postal, get("location_nation")]
    address = ", ".join(p for p in address_parts if p) if attendance != "online" else ""
    online_url = web_url(get("virtual_meeting_link"))
    phone, phone_note = conference_phone(get("phone_meeting_number")[:200])
    return MeetingRecord(
        source_id=meeting_id,
        name=name,
        slug=f"{slugify(name)[:180]}-{meeting_id}",
        days=[int(weekday) - 1],
        start_time=start,
        end_time=end,
        timezone=timezone,
        types=types,
        fellowship=Fellowship.NA,
        attendance=attendance,
        location=get("location_text")[:200],
        address=address[:300],
        postal_code=postal[:20],
        latitude=latitude if attendance != "online" else None,
        longitude=longitude if attendance != "online" else None,
        online_url=online_url,
        online_notes=get("virtual_meeting_additional_info"),
        phone=phone,
        phone_notes=phone_note,
        # BMLT has no "approximate": a place without a street number is an area.
        approximate=bool(address) and not is_street_address(address),
        notes=get("comments"),
        location_notes=get("location_info"),
    )
