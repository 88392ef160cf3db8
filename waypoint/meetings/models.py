"""Support meetings and the feeds they come from.

Weekdays are stored in ONE convention everywhere inside Waypoint: 0 = Sunday … 6 = Saturday
(the Meeting Guide convention, also JavaScript's Date.getDay()). BMLT's 1 = Sunday … 7 is
converted on import. A meeting can meet on several weekdays: they are kept as a 7-bit mask
(bit d set = meets on day d), which filters on SQLite and PostgreSQL alike with a plain
``day_mask__in`` (see ``masks_with_day``).
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

DAYS = range(7)


@cache
def masks_with_day(day: int) -> tuple[int, ...]:
    """Every 7-bit mask that includes `day` (64 of them): an index-friendly IN list."""
    return tuple(mask for mask in range(1, 128) if mask & (1 << day))


def days_to_mask(days: list[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


def mask_to_days(mask: int) -> list[int]:
    return [day for day in DAYS if mask & (1 << day)]


def validate_timezone(value: str) -> None:
    if value not in _zones():
        raise ValidationError(_("“%(value)s” is not a time zone name like America/New_York."), params={"value": value})


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


class Fellowship(models.TextChoices):
    NA = "NA", _("Narcotics Anonymous")
    AA = "AA", _("Alcoholics Anonymous")
    SMART = "SMART", _("SMART Recovery")
    HA = "HA", _("Heroin Anonymous")
    NARANON = "NARANON", _("Nar-Anon (for family and friends)")
    ALANON = "ALANON", _("Al-Anon (for family and friends)")
    CA = "CA", _("Cocaine Anonymous")
    CMA = "CMA", _("Crystal Meth Anonymous")
    OTHER = "OTHER", _("Other support group")


class Feed(models.Model):
    """A meeting feed an operator registers in the admin; `refresh_meetings` reads them all."""

    class Kind(models.TextChoices):
        MEETING_GUIDE = "meeting_guide", _("Meeting Guide JSON")
        BMLT = "bmlt", _("BMLT root server")

    # `name` is the operator's own label (an ad-hoc import names the feed after its file);
    # only `display_name` is ever shown to the public ("Listed by: …").
    name = models.CharField(_("name"), max_length=200)
    display_name = models.CharField(
        _("display name"),
        max_length=200,
        blank=True,
        help_text=_("Shown on meeting pages as “Listed by”. Leave empty to show no source name."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # An http(s) URL, or a file path for feeds kept on the server itself.
    url = models.CharField(_("URL or file path"), max_length=500, unique=True)
    fellowship = models.CharField(_("fellowship"), max_length=10, choices=Fellowship.choices)
    default_timezone = models.CharField(
        _("default time zone"),
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text=_("Used when a meeting has no time zone of its own, before guessing it from the ZIP code."),
    )
    service_bodies = models.CharField(
        _("BMLT service bodies"),
        max_length=200,
        blank=True,
        help_text=_("BMLT only: comma-separated service body (area or region) ids; child bodies are included."),
    )
    is_active = models.BooleanField(_("refresh on schedule"), default=True)
    last_imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.service_bodies:
            parts = [p.strip() for p in self.service_bodies.split(",")]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValidationError({"service_bodies": _("Use service body numbers separated by commas.")})


class Meeting(models.Model):
    """One meeting, as Waypoint shows it. `feed`/`source_id` name the feed entry whose data
    is shown; duplicates found in other feeds are linked through MeetingSource."""

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("In person and online")
        INACTIVE = "inactive", _("No place or link given")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    # 0 means "by appointment / no set day": such entries exist in real feeds.
    day_mask = models.PositiveSmallIntegerField(default=0, db_index=True)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    types = models.JSONField(default=list, blank=True)
    fellowship = models.CharField(max_length=10, choices=Fellowship.choices)
    attendance = models.CharField(max_length=10, choices=Attendance.choices)
    location = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    latitude = models.FloatField(null=True, blank=True, db_index=True)
    longitude = models.FloatField(null=True, blank=True)
    # The feed says the point is only roughly right (e.g. a town centre).
    approximate = models.BooleanField(default=False)
    online_url = models.URLField(max_length=500, blank=True)
    online_notes = models.TextField(blank=True)
    phone = models.CharField(max_length=100, blank=True)
    phone_notes = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    location_notes = models.TextField(blank=True)
    group = models.CharField(max_length=200, blank=True)
    region = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.CASCADE, related_name="meetings")
    source_id = models.CharField(max_length=200, blank=True)
    # Normalised duplicate key: name|days|time|place (see importers.normalise).
    match_key = models.CharField(max_length=600, db_index=True)
    conference_key = models.CharField(max_length=600, blank=True, db_index=True)
    source_updated = models.DateTimeField(null=True, blank=True)
    # Optional Meeting Guide fields (regions, group_notes, website, venmo, feedback_emails,
    # entity, …) kept as the source gave them, checked, for the feed Waypoint publishes.
    extra = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["start_time", "name", "pk"]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> list[int]:
        return mask_to_days(self.day_mask)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url or self.phone)


class MeetingSource(models.Model):
    """Every feed entry that describes a meeting: the same meeting listed by two feeds has
    two sources and one Meeting row. Removing a feed's entry removes only its source."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sources")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="sources")
    source_id = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "source_id"], name="meetings_source_unique")]

    def __str__(self) -> str:
        return f"{self.feed_id}:{self.source_id}"
