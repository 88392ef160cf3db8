"""Meeting Guide JSON (Code for Recovery specification) → MeetingRecord.

Required by the spec: `name` and `slug`. `day` is 0 = Sunday … 6, a numeric string, an
array of those, or absent (a meeting "by appointment"). Real feeds write `time` as "19:00"
or "7:00 PM" and `updated` in several formats; both are accepted.

Real feeds carry a few bad entries (a repeated slug, a day of 7): those entries are left
out, each with its reason, and the rest of the feed is imported. Only a document that is
not a feed at all raises FeedError.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from waypoint.meetings.importers.common import (
    FeedError,
    MeetingRecord,
    ParsedFeed,
    conference_phone,
    is_street_address,
    optional_fields,
    parse_coordinate,
    parse_time,
    parse_updated,
    published_slug,
    text,
    us_zip_from_address,
    web_url,
)
from waypoint.meetings.meeting_types import is_known
from waypoint.meetings.models import Fellowship, validate_timezone

_ATTENDANCE = {"in_person", "online", "hybrid", "inactive"}
# Earlier versions of the spec had an "online" type; today online attendance follows from
# conference_url / conference_phone (TSML UI drops ONL), so the code is simply ignored.
_LEGACY_TYPES = {"ONL"}


def load_json(raw: bytes | str) -> Any:
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        detail = f"line {exc.lineno}, column {exc.colno}: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else exc
        raise FeedError(f"not valid JSON ({detail})") from None
    except RecursionError:
        raise FeedError("not valid JSON (nested too deeply)") from None
    except ValueError as exc:
        # Python refuses integers of more than 4,300 digits (CVE-2020-10735).
        raise FeedError(f"not valid JSON ({str(exc)[:80]})") from None


def parse_meeting_guide(raw: bytes | str) -> ParsedFeed:
    data = load_json(raw)
    if not isinstance(data, list):
        raise FeedError("a Meeting Guide feed must be a JSON array of meetings")
    limit = int(settings.IMPORT_MAX_ROWS)
    if len(data) > limit:
        raise FeedError(f"more than {limit:,} meetings in one feed (IMPORT_MAX_ROWS)")
    parsed = ParsedFeed(records=[])
    seen: dict[str, int] = {}
    for index, item in enumerate(data):
        try:
            record = _record(item, index, parsed.warnings)
            if record.source_id in seen:
                raise FeedError(
                    f"slug {record.source_id!r} already used by meeting #{seen[record.source_id]}",
                    index=index,
                    field="slug",
                    name=record.name,
                )
        except FeedError as exc:
            parsed.skipped.append(str(exc))
            continue
        seen[record.source_id] = index
        parsed.records.append(record)
    return parsed


def _days(value: Any, index: int, name: str) -> list[int]:
    if value is None or value == "":
        return []
    values = value if isinstance(value, list) else [value]
    days = set()
    for day in values:
        if isinstance(day, bool) or not isinstance(day, int | str) or not str(day).strip().isdigit():
            raise FeedError(f"{day!r} is not a day number 0 (Sunday) to 6", index=index, field="day", name=name)
        number = int(str(day).strip())
        if not 0 <= number <= 6:
            raise FeedError(f"{number} is not a day number 0 (Sunday) to 6", index=index, field="day", name=name)
        days.add(number)
    return sorted(days)


def _record(item: Any, index: int, warnings: list[str]) -> MeetingRecord:
    if not isinstance(item, dict):
        raise FeedError("each meeting must be a JSON object", index=index)
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise FeedError("is required (text)", index=index, field="name")
    name = name.strip()[:200]
    slug = item.get("slug")
    if isinstance(slug, bool) or not isinstance(slug, str | int) or not str(slug).strip():
        raise FeedError("is required (text)", index=index, field="slug", name=name)
    slug = str(slug).strip()[:200]
    public_slug = published_slug(slug, index)
    if public_slug != slug:
        warnings.append(f"meeting #{index} ({name!r}): slug {slug!r} is not URL-safe, published as {public_slug!r}")

    def field(key: str, limit: int = 5000) -> str:
        return text(item.get(key), index=index, field_name=key, name=name, limit=limit)

    days = _days(item.get("day"), index, name)
    start = parse_time(item.get("time"), index=index, field_name="time", name=name)
    end = parse_time(item.get("end_time"), index=index, field_name="end_time", name=name)
    if days and start is None:
        raise FeedError("is required when a day is given", index=index, field="time", name=name)
    timezone = field("timezone", 64)
    if timezone:
        try:
            validate_timezone(timezone)
        except Exception:
            raise FeedError(f"{timezone!r} is not a time zone name", index=index, field="timezone", name=name) from None
    raw_types = item.get("types")
    if raw_types is None:
        raw_types = []
    if not isinstance(raw_types, list) or not all(isinstance(t, str) for t in raw_types):
        raise FeedError("must be a list of type codes", index=index, field="types", name=name)
    types: list[str] = []
    for code in raw_types:
        code = code.strip()
        if not code or code in _LEGACY_TYPES:
            continue
        if not is_known(code):
            warnings.append(f"meeting #{index} ({name!r}): unknown type code {code!r} left out")
            continue
        if code not in types:
            types.append(code)
    latitude = parse_coordinate(item.get("latitude"), limit=90, index=index, field_name="latitude", name=name)
    longitude = parse_coordinate(item.get("longitude"), limit=180, index=index, field_name="longitude", name=name)
    if (latitude is None) != (longitude is None) or (latitude == 0 and longitude == 0):
        latitude = longitude = None
    address = field("formatted_address", 300)
    if not address:
        parts = [field(key, 100) for key in ("address", "city", "state", "postal_code", "country")]
        address = ", ".join(p for p in parts if p)
    postal_code = field("postal_code", 20) or us_zip_from_address(address)
    raw_url = field("conference_url", 500)
    online_url = web_url(raw_url)
    if raw_url and not online_url:
        warnings.append(f"meeting #{index} ({name!r}): conference_url is not a web link, left out")
    raw_phone = field("conference_phone", 200)
    phone, phone_note = conference_phone(raw_phone)
    if raw_phone and phone_note:
        warnings.append(
            f"meeting #{index} ({name!r}): conference_phone cleaned for dialling, {phone_note!r} kept in notes"
        )
    # The source's own value wins; without one, a place that is not a street address
    # (a city, a county) is approximate, as the spec says for online meetings.
    given = item.get("approximate")
    if isinstance(given, str) and given.strip().lower() in {"yes", "no"}:
        approximate = given.strip().lower() == "yes"
    elif isinstance(given, bool):
        approximate = given
    else:
        approximate = bool(address) and not is_street_address(address)
    attendance = item.get("attendance_option")
    if attendance not in _ATTENDANCE:
        online = bool(online_url or phone)
        if online and address and not approximate and "TC" not in types:
            attendance = "hybrid"
        elif online:
            attendance = "online"
        elif address and "TC" not in types:
            attendance = "in_person"
        else:
            attendance = "inactive"
    fellowship = field("fellowship", 10).upper()
    updated_utc, updated_local = parse_updated(item.get("updated"))
    phone_notes = "\n".join(part for part in (field("conference_phone_notes"), phone_note) if part)
    regions = item.get("regions")
    region = " › ".join(r for r in regions if isinstance(r, str)) if isinstance(regions, list) else ""
    return MeetingRecord(
        source_id=slug,
        name=name,
        slug=public_slug,
        days=days,
        start_time=start,
        end_time=end,
        timezone=timezone,
        types=types,
        fellowship=fellowship if fellowship in Fellowship.values else "",
        attendance=str(attendance),
        location=field("location", 200),
        address=address,
        postal_code=postal_code,
        latitude=latitude,
        longitude=longitude,
        approximate=approximate,
        online_url=online_url,
        online_notes=field("conference_url_notes"),
        phone=phone,
        phone_notes=phone_notes,
        notes=field("notes"),
        location_notes=field("location_notes"),
        group=field("group", 200),
        region=(region or field("region", 200))[:200],
        source_url=web_url(field("url", 500)),
        source_updated=updated_utc,
        source_updated_local=updated_local,
        extra=optional_fields(item, index=index, name=name, warnings=warnings),
    )
