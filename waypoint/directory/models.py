"""Treatment facilities from SAMHSA's directory, the service-code table, and where each
record came from.

A Facility is one physical place. The same place often appears in several SAMHSA files
(facility list, OTP directory, MOUD list) under slightly different spellings; each of
those records is a FacilitySource row pointing at the one Facility, with the rule that
matched it, so any merge can be explained and undone. A facility's codes are the union of
its sources' codes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCategory(models.Model):
    code = models.CharField(max_length=12, primary_key=True)
    label_en = models.CharField(max_length=120)
    label_es = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name_plural = "service categories"

    def __str__(self) -> str:
        return f"{self.code}: {self.label_en}"


class ServiceCode(models.Model):
    """One SAMHSA service code. Loaded from data/service_codes.csv; `vintage` says which
    SAMHSA list the meaning comes from, because some codes changed meaning over time."""

    code = models.CharField(max_length=12, primary_key=True)
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="codes")
    label_en = models.CharField(max_length=200)
    label_es = models.CharField(max_length=200)
    vintage = models.CharField(max_length=20)
    aliases = models.CharField(max_length=60, blank=True, help_text="Other keys for the same service, space-separated.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.label_en}"


class Facility(models.Model):
    """One place. Its fields are derived from its sources (merge.py) and rewritten only
    when what the sources say changes (`source_digest`), so an edit in the admin lasts
    until a source changes the place."""

    # The name of the highest-priority source (importers.PRIORITY); the other sources'
    # names are in other_names, one per line, so a search by any of them can find it.
    name = models.CharField(max_length=200)
    name2 = models.CharField(max_length=200, blank=True)
    other_names = models.TextField(blank=True, default="")
    street1 = models.CharField(max_length=200, blank=True)
    street2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=5, blank=True, db_index=True)
    # The first main, intake and hotline numbers, for the call button; `phones` keeps every
    # number any source gave, with its kind: [{"kind": "intake", "number": "…"}, …].
    phone = models.CharField(max_length=40, blank=True)
    intake_phone = models.CharField(max_length=40, blank=True)
    hotline = models.CharField(max_length=40, blank=True)
    phones = models.JSONField(default=list, blank=True)
    # http(s) only, also when edited in the admin: the page turns it into a link.
    website = models.CharField(max_length=300, blank=True, validators=[URLValidator(schemes=["http", "https"])])
    # The search prefilters on a latitude/longitude box (see Meta.indexes).
    latitude = models.FloatField()
    longitude = models.FloatField()
    # True when the point is a ZIP centre, not the address (N-SUMHSS lists have no coordinates).
    approximate_location = models.BooleanField(default=False)
    facility_type = models.CharField(max_length=10, blank=True, help_text="SA, MH, OTP, HRSA…")
    # Space-separated canonical codes with a leading and trailing space (" BU MD OTP "),
    # so that "offers every one of these codes" is a few LIKE '% MU %' tests on the rows
    # that survive the bounding box. Recomputed from the sources on every import.
    codes = models.TextField(blank=True, default="")
    is_demo = models.BooleanField(default=False)
    imported_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    source_digest = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "facilities"
        # Covering index for the search: the bounding box and the code test are answered
        # from the index alone, without reading table rows (3× faster with filters, measured).
        indexes = [models.Index(fields=["latitude", "longitude", "codes"], name="directory_fac_geo_codes")]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.state})"

    @property
    def code_list(self) -> list[str]:
        return self.codes.split()

    @property
    def call_number(self) -> str:
        """The number a person should call: intake if listed, else the main line."""
        return self.intake_phone or self.phone

    @property
    def address_line(self) -> str:
        street = ", ".join(part for part in (self.street1, self.street2) if part)
        return ", ".join(part for part in (street, self.city, f"{self.state} {self.zip_code}".strip()) if part)


class FacilitySource(models.Model):
    """One record in one source file, and why it belongs to its facility."""

    class Rule(models.TextChoices):
        NEW = "new", _("new place")
        SAME_RECORD = "same-record", _("same source record as before")
        NAME_STREET_ZIP = "name+street+zip", _("same name, street and ZIP")
        NAME_NEARBY = "similar-name+within-0.1mi", _("similar name within 0.1 mile")
        STREET_SIMILAR_NAME = "street+zip+similar-name", _("same street and ZIP, similar name")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="sources")
    # One source is one list that a newer file replaces: a national format ("otp"), a
    # locator export ("locator_csv:mental-health-facilities-2020"), or a name the
    # operator chose with --source.
    source = models.CharField(max_length=100, help_text="e.g. otp, or locator_csv:<file name>")
    format = models.CharField(max_length=20, blank=True)
    file_name = models.CharField(max_length=200, blank=True, help_text="The file it was last read from.")
    source_record_id = models.CharField(max_length=80)
    match_rule = models.CharField(max_length=40, choices=Rule.choices)
    matched_to = models.CharField(max_length=300, blank=True, help_text="The record it was merged with.")
    # The record as its source gave it: the directory is rebuilt from these (merge.py).
    name = models.CharField(max_length=200, blank=True)
    name2 = models.CharField(max_length=200, blank=True)
    street1 = models.CharField(max_length=200, blank=True)
    street2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=5, blank=True)
    phones = models.JSONField(default=list, blank=True, help_text="[[kind, number], …]")
    website = models.CharField(max_length=300, blank=True)
    latitude = models.FloatField(default=0.0)
    longitude = models.FloatField(default=0.0)
    approximate_location = models.BooleanField(default=False)
    facility_type = models.CharField(max_length=10, blank=True)
    codes = models.TextField(blank=True, default="")
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_record_id"], name="directory_source_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source}#{self.source_record_id} → {self.facility_id} ({self.match_rule})"


class ListingReport(models.Model):
    """ "Something wrong with this listing?" — kept for the operator. No personal data asked."""

    class Problem(models.TextChoices):
        PHONE = "phone", _("The phone number is wrong")
        ADDRESS = "address", _("The address is wrong")
        CLOSED = "closed", _("This place is closed")
        SERVICES = "services", _("The services are wrong")
        OTHER = "other", _("Something else")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="reports")
    problem = models.CharField(max_length=20, choices=Problem.choices)
    details = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    handled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_problem_display()} — facility {self.facility_id}"


class RefreshState(models.Model):
    """Progress of `refresh_facilities`, so an interrupted run can --resume."""

    key = models.CharField(max_length=40, primary_key=True)
    last_page = models.PositiveIntegerField(default=0)
    total_pages = models.PositiveIntegerField(default=0)
    rows_file = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key}: page {self.last_page}/{self.total_pages}"


class ImportJob(models.Model):
    """A file uploaded in the admin, imported by the task queue (tasks.py), so a large
    file never ties up a web worker. Its page shows the progress and the outcome."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        CONFIRM = "confirm", _("needs your confirmation")
        REJECTED = "rejected", _("rejected: nothing changed")
        FAILED = "failed", _("failed: nothing changed")
        CANCELLED = "cancelled", _("cancelled: nothing changed")

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    file_name = models.CharField(max_length=200, help_text="The uploaded file's name (shown to staff only).")
    # Where the upload waits under VAR_DIR/imports until the task has read it.
    stored_path = models.CharField(max_length=500, blank=True)
    format = models.CharField(max_length=20, blank=True)
    source = models.CharField(max_length=100, blank=True)
    allow_shrink = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REJECTED, self.Status.FAILED, self.Status.CANCELLED}
