"""Writes for meetings: importing a feed (its good entries, in one transaction), merging
duplicates across feeds, removing what a feed no longer lists (never most of it without
--allow-shrink), and registering feeds."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone as djtz

from waypoint.core.places import nearest_zip, zip_lookup
from waypoint.core.text import fold_key, normalise_address
from waypoint.meetings.importers import fetch
from waypoint.meetings.importers.common import FeedError, FeedShrinks, MeetingRecord, ParsedFeed, normalise_url
from waypoint.meetings.models import Feed, Fellowship, Meeting, MeetingSource, days_to_mask

logger = logging.getLogger(__name__)

# Fields a feed entry fills in; everything else on Meeting is Waypoint's own.
_COPIED = [
    "name", "slug", "start_time", "end_time", "types", "attendance", "location", "address", "postal_code",
    "latitude", "longitude", "approximate", "online_url", "online_notes", "phone", "phone_notes", "notes",
    "location_notes", "group", "region", "source_url", "source_updated", "extra",
]  # fmt: skip


@dataclass
class ImportResult:
    feed: Feed
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    removed: int = 0
    warnings: list[str] = field(default_factory=list)
    # Entries left out, each with its reason (index, name, field).
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.feed.name}: {self.total} meetings in feed, {self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.merged} merged with another feed, {self.removed} removed"
            + (f", {len(self.skipped)} skipped" if self.skipped else "")
            + (f", {len(self.warnings)} warnings" if self.warnings else "")
        )


def resolve_timezone(record: MeetingRecord, feed_default: str) -> str:
    """Feed entry's own zone → the feed's configured zone → the ZIP code's → the nearest
    ZIP code's to its coordinates → TIME_ZONE."""
    if record.timezone:
        return record.timezone
    if feed_default:
        return feed_default
    if record.postal_code:
        place = zip_lookup(record.postal_code)
        if place and place.timezone:
            return place.timezone
    if record.latitude is not None and record.longitude is not None:
        nearest = nearest_zip(record.latitude, record.longitude)
        if nearest and nearest.timezone:
            return nearest.timezone
    return str(settings.TIME_ZONE)


def match_keys(
    *,
    name: str,
    day_mask: int,
    start: str,
    latitude: float | None,
    longitude: float | None,
    address: str,
    online_url: str,
) -> tuple[str, str]:
    """Keys under which two feeds' entries count as one meeting: same normalised name, days
    and start time, and either the same place (coordinates to ~10 m, else address) or the
    same conference link."""
    base = f"{fold_key(name)}|{day_mask}|{start}"
    if latitude is not None and longitude is not None:
        place = f"@{latitude:.4f},{longitude:.4f}"
    else:
        place = normalise_address(address)
    conference = f"{base}|{normalise_url(online_url)}" if online_url else ""
    return f"{base}|{place}"[:600], conference[:600]


def _values(record: MeetingRecord, feed: Feed) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(record, name) for name in _COPIED}
    values["slug"] = str(values["slug"])[:200] or "meeting"
    values["day_mask"] = days_to_mask(record.days)
    values["timezone"] = resolve_timezone(record, feed.default_timezone)
    if record.source_updated is None and record.source_updated_local is not None:
        # A local `updated` (a spreadsheet's "8/25/2022 11:17:07 AM") is the meeting's
        # own wall time: UTC only once the zone is known.
        local = record.source_updated_local.replace(tzinfo=ZoneInfo(str(values["timezone"])))
        values["source_updated"] = local.astimezone(UTC)
    values["fellowship"] = record.fellowship or feed.fellowship
    start = record.start_time.strftime("%H:%M") if record.start_time else ""
    values["match_key"], values["conference_key"] = match_keys(
        name=record.name,
        day_mask=int(str(values["day_mask"])),
        start=start,
        latitude=record.latitude,
        longitude=record.longitude,
        address=record.address,
        online_url=record.online_url,
    )
    return values


def feed_import(*, feed: Feed, parsed: ParsedFeed, allow_shrink: bool = False) -> ImportResult:
    """Makes the feed's meetings match `parsed`, in one transaction. A meeting another feed
    already holds (same match key) is linked, not copied; entries gone from the feed lose
    this feed as a source, and meetings left with no source are deleted.

    A feed that would remove more than IMPORT_MAX_SHRINK_PERCENT of its meetings (an empty
    `[]`, say) raises FeedShrinks and changes nothing, unless `allow_shrink`."""
    result = ImportResult(
        feed=feed, total=len(parsed.records), warnings=list(parsed.warnings), skipped=list(parsed.skipped)
    )
    with transaction.atomic():
        existing = {s.source_id: s for s in MeetingSource.objects.filter(feed=feed).select_related("meeting")}
        incoming = {record.source_id for record in parsed.records}
        gone_count = sum(1 for key in existing if key not in incoming)
        percent = int(settings.IMPORT_MAX_SHRINK_PERCENT)
        if existing and gone_count > percent / 100 * len(existing) and not allow_shrink:
            raise FeedShrinks(removed=gone_count, previous=len(existing), percent=percent)
        if not parsed.records and not existing:
            reason = f": {len(parsed.skipped)} entries left out, e.g. {parsed.skipped[0]}" if parsed.skipped else ""
            raise FeedError(f"the feed lists no usable meetings{reason}")
        seen: set[str] = set()
        by_place, by_link = _other_feeds_keys(feed)
        for record in parsed.records:
            seen.add(record.source_id)
            values = _values(record, feed)
            source = existing.get(record.source_id)
            if source is not None:
                meeting = source.meeting
                if meeting.feed_id != feed.pk:
                    result.merged += 1  # the other feed's copy is the one shown
                    continue
                changed = [k for k, v in values.items() if getattr(meeting, k) != v]
                if changed:
                    for key in changed:
                        setattr(meeting, key, values[key])
                    _check(meeting)
                    meeting.save(update_fields=[*changed, "updated_at"])
                    result.updated += 1
                else:
                    result.unchanged += 1
                continue
            duplicate = by_place.get(str(values["match_key"])) or by_link.get(str(values["conference_key"]) or "-")
            if duplicate is not None:
                MeetingSource.objects.create(meeting_id=duplicate, feed=feed, source_id=record.source_id)
                result.merged += 1
                continue
            meeting = Meeting(feed=feed, source_id=record.source_id, **values)
            _check(meeting)
            meeting.save()
            MeetingSource.objects.create(meeting=meeting, feed=feed, source_id=record.source_id)
            result.created += 1
        result.removed = _remove_missing(feed, [s for key, s in existing.items() if key not in seen])
        feed.last_imported_at = djtz.now()
        feed.last_status = result.summary()[:500]
        feed.save(update_fields=["last_imported_at", "last_status"])
    return result


def _check(meeting: Meeting) -> None:
    """The parsers already checked every field; a model rule they missed is a bug in
    Waypoint, reported as a refused feed (nothing changes) rather than a crash."""
    from django.core.exceptions import ValidationError

    try:
        meeting.full_clean()
    except ValidationError as exc:
        raise FeedError(f"meeting {meeting.source_id!r} ({meeting.name!r}) failed a check: {exc.messages[0]}") from None


def _other_feeds_keys(feed: Feed) -> tuple[dict[str, int], dict[str, int]]:
    """match_key → meeting id and conference_key → meeting id of other feeds' meetings,
    read once per import instead of two queries per entry."""
    by_place: dict[str, int] = {}
    by_link: dict[str, int] = {}
    rows = Meeting.objects.exclude(feed=feed).filter(is_demo=False).order_by("-pk")
    for pk, place_key, link_key in rows.values_list("pk", "match_key", "conference_key"):
        by_place[place_key] = pk  # descending ids: the oldest meeting wins
        if link_key:
            by_link[link_key] = pk
    return by_place, by_link


def _remove_missing(feed: Feed, gone: list[MeetingSource]) -> int:
    removed = 0
    for source in gone:
        meeting = source.meeting
        source.delete()
        if meeting.feed_id != feed.pk or meeting.source_id != source.source_id:
            continue  # another feed's meeting: it stays
        heir = meeting.sources.order_by("pk").first()
        if heir is None:
            meeting.delete()
            removed += 1
        else:
            # Another feed lists it too: that feed's entry now speaks for it.
            meeting.feed_id, meeting.source_id = heir.feed_id, heir.source_id
            meeting.save(update_fields=["feed", "source_id", "updated_at"])
    return removed


def feed_register(
    *,
    location: str,
    kind: str = "",
    name: str = "",
    fellowship: str = "",
    default_timezone: str = "",
    service_bodies: str = "",
) -> Feed:
    """Finds the feed for `location` or registers it (ad-hoc imports are kept as feeds so
    that their meetings keep a source and can be refreshed or removed later).

    A `name` the operator gives is also the feed's public display name; without one the
    feed is labelled with its file name for the admin only, and pages show no source."""
    kind = kind or fetch.guess_kind(location)
    feed = Feed.objects.filter(url=location).first()
    if feed is None:
        feed = Feed(
            url=location,
            kind=kind,
            name=(name or location.rstrip("/").rsplit("/", 1)[-1] or location)[:200],
            display_name=name[:200],
            fellowship=fellowship or (Fellowship.NA if kind == fetch.BMLT else Fellowship.AA),
            default_timezone=default_timezone,
            service_bodies=service_bodies,
        )
    else:
        for attr, value in [
            ("fellowship", fellowship),
            ("default_timezone", default_timezone),
            ("service_bodies", service_bodies),
            ("name", name),
            ("display_name", name),
        ]:
            if value:
                setattr(feed, attr, value)
    feed.full_clean()
    feed.save()
    return feed


def feed_import_location(
    *,
    location: str,
    kind: str = "",
    name: str = "",
    fellowship: str = "",
    default_timezone: str = "",
    service_bodies: str = "",
    allow_shrink: bool = False,
) -> ImportResult:
    """Ad-hoc import of a path or URL: read and check it first (no transaction open while
    the network is slow), then register the feed and import it in one transaction, so a
    rejected location leaves no trace, not even a feed."""
    known = Feed.objects.filter(url=location).first()
    parsed = fetch.load(
        location,
        kind=kind or (known.kind if known else fetch.guess_kind(location)),
        service_bodies=service_bodies or (known.service_bodies if known else ""),
    )
    with transaction.atomic():
        feed = feed_register(
            location=location,
            kind=kind,
            name=name,
            fellowship=fellowship,
            default_timezone=default_timezone,
            service_bodies=service_bodies,
        )
        return feed_import(feed=feed, parsed=parsed, allow_shrink=allow_shrink)


def feed_refresh(*, feed: Feed, allow_shrink: bool = False) -> ImportResult:
    """Reads the feed and imports it. On any failure nothing changes but the feed's status,
    and FeedError is raised, so the caller can go on with the next feed."""
    try:
        parsed = fetch.load(feed.url, kind=feed.kind, service_bodies=feed.service_bodies)
        return feed_import(feed=feed, parsed=parsed, allow_shrink=allow_shrink)
    except FeedError as exc:
        feed.last_status = f"rejected: {exc}"[:500]
        feed.save(update_fields=["last_status"])
        raise
    except Exception as exc:
        # A bug or a database error must not stop the refresh of the other feeds.
        logger.exception("meeting feed %s failed", feed.pk)
        feed.last_status = "failed: see the server log"
        feed.save(update_fields=["last_status"])
        raise FeedError("the import failed (see the server log); nothing changed") from exc


def meetings_delete_demo() -> int:
    count, _ = Meeting.objects.filter(is_demo=True).delete()
    return int(count)


def meeting_create_demo(*, values: dict[str, object]) -> Meeting:
    meeting = Meeting(is_demo=True, **values)
    meeting.full_clean()
    meeting.save()
    return meeting
