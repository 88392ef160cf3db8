"""Writes: loading the code table, importing directory files (with merging), listing reports."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.utils import timezone

from . import codes as code_data
from .importers import ImportRejected, ReadReport, Record, read_file
from .matching import NEAR_MILES, name_words, names_similar, normalise_street
from .models import Facility, FacilitySource, ListingReport, ServiceCategory, ServiceCode

logger = logging.getLogger(__name__)
_FILLABLE = ("name2", "street2", "phone", "intake_phone", "hotline", "website", "facility_type")
# ~0.7 mile grid cells: a record is compared with places in its own and the 8 cells around it.
_CELL = 0.01


def code_table_load() -> int:
    """Loads data/service_codes.csv and categories.csv into the database (idempotent)."""
    with transaction.atomic():
        for info in code_data.categories().values():
            ServiceCategory.objects.update_or_create(
                code=info.code, defaults={"label_en": info.label_en, "label_es": info.label_es, "order": info.order}
            )
        existing = set(ServiceCode.objects.values_list("code", flat=True))
        rows = [
            ServiceCode(
                code=info.code,
                category_id=info.category,
                label_en=info.label_en,
                label_es=info.label_es,
                vintage=info.vintage,
                aliases=" ".join(info.aliases),
            )
            for info in code_data.code_table().values()
        ]
        ServiceCode.objects.bulk_create([row for row in rows if row.code not in existing])
        ServiceCode.objects.bulk_update(
            [row for row in rows if row.code in existing], ["category", "label_en", "label_es", "vintage", "aliases"]
        )
    return len(rows)


@dataclass
class ImportResult:
    path: str
    format: str
    read: int = 0
    created: int = 0
    updated: int = 0
    merged: int = 0
    rejected: int = 0
    merge_rules: dict[str, int] = field(default_factory=dict)
    unknown_fields: dict[str, int] = field(default_factory=dict)
    unknown_codes: dict[str, int] = field(default_factory=dict)
    rejected_rows: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Place:
    """A facility (stored or about to be) as the matcher sees it."""

    words: tuple[str, ...]
    all_words: tuple[str, ...]
    street: str
    zip_code: str
    latitude: float
    longitude: float
    facility_id: int | None = None
    new: Facility | None = None
    label: str = ""
    # Set when a record of the file being imported already landed here: two different
    # records of one file are two places (SAMHSA lists each program once per file).
    claimed: bool = False
    word_set: frozenset[str] = frozenset()
    all_word_set: frozenset[str] = frozenset()


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return int(latitude // _CELL), int(longitude // _CELL)


class _Index:
    def __init__(self) -> None:
        self.by_zip: dict[str, list[_Place]] = defaultdict(list)
        self.by_cell: dict[tuple[int, int], list[_Place]] = defaultdict(list)

    def add(self, place: _Place) -> None:
        if place.zip_code:
            self.by_zip[place.zip_code].append(place)
        self.by_cell[_cell(place.latitude, place.longitude)].append(place)

    def match(self, record: _Place) -> tuple[_Place, str] | None:
        from waypoint.core.places import distance_miles

        for other in self.by_zip.get(record.zip_code, ()) if record.zip_code else ():
            if other.claimed:
                continue
            if record.street and record.street == other.street:
                if record.words == other.words:
                    return other, FacilitySource.Rule.NAME_STREET_ZIP
                if _similar(record, other):
                    return other, FacilitySource.Rule.STREET_SIMILAR_NAME
        row, col = _cell(record.latitude, record.longitude)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for other in self.by_cell.get((row + dr, col + dc), ()):
                    if (
                        not other.claimed
                        and _similar(record, other)
                        and (
                            distance_miles(record.latitude, record.longitude, other.latitude, other.longitude)
                            <= NEAR_MILES
                        )
                    ):
                        return other, FacilitySource.Rule.NAME_NEARBY
        return None


def _similar(a: _Place, b: _Place) -> bool:
    return names_similar(a.word_set, b.word_set) or names_similar(a.all_word_set, b.all_word_set)


def _place_of(name: str, name2: str, street: str, zip_code: str, latitude: float, longitude: float) -> _Place:
    words = name_words(name)
    return _Place(
        words=words,
        all_words=words + name_words(name2),
        street=normalise_street(street),
        zip_code=zip_code,
        latitude=latitude,
        longitude=longitude,
        label=f"{name} {name2}, {street} {zip_code}".strip(),
        word_set=frozenset(words),
        all_word_set=frozenset(words + name_words(name2)),
    )


def _new_facility(record: Record, now: datetime) -> Facility:
    return Facility(
        name=record.name,
        name2=record.name2,
        street1=record.street1,
        street2=record.street2,
        city=record.city,
        state=record.state,
        zip_code=record.zip_code,
        phone=record.phone,
        intake_phone=record.intake_phone,
        hotline=record.hotline,
        website=record.website,
        latitude=record.latitude,
        longitude=record.longitude,
        approximate_location=record.approximate_location,
        facility_type=record.facility_type,
        imported_at=now,
        verified_at=now if record.source == "api_json" else None,
    )


def facilities_import(*, path: Path, fmt: str | None = None, now: datetime | None = None) -> ImportResult:
    """Reads one file and merges it into the directory in ONE transaction.

    Raises ImportRejected (file, line, field) when the file is broken; then nothing changed.
    Re-importing the same file finds every record again by its source id ("same-record").
    Cost: one query to load the match index, then bulk writes (≈1–3 s per 10,000 rows).
    """
    now = now or timezone.now()
    report = read_file(path, fmt)
    with transaction.atomic():
        result = _merge(report, now)
    logger.info(
        "directory import %s: %s read, %s created, %s merged", path.name, result.read, result.created, result.merged
    )
    return result


def records_import(*, report: ReadReport, now: datetime | None = None) -> ImportResult:
    """Merges already-read records (used by refresh_facilities)."""
    with transaction.atomic():
        return _merge(report, now or timezone.now())


def _merge(report: ReadReport, now: datetime) -> ImportResult:
    # Real data replaces the generated demo set, so the two never mix in results.
    Facility.objects.filter(is_demo=True).delete()
    result = ImportResult(
        path=report.path,
        format=report.format,
        read=report.read,
        rejected=len(report.rejected_rows),
        unknown_fields=dict(report.unknown_fields),
        unknown_codes=dict(report.unknown_codes.most_common(50)),
        rejected_rows=report.rejected_rows[:50],
    )
    rules: dict[str, int] = defaultdict(int)
    index = _Index()
    by_id: dict[int, _Place] = {}
    for row in Facility.objects.values_list("id", "name", "name2", "street1", "zip_code", "latitude", "longitude"):
        place = _place_of(*row[1:])
        place.facility_id = row[0]
        by_id[row[0]] = place
        index.add(place)
    known_sources = {
        record_id: (pk, facility_id)
        for pk, record_id, facility_id in FacilitySource.objects.filter(source=report.format).values_list(
            "id", "source_record_id", "facility_id"
        )
    }
    # record id → (place, codes, rule, matched label); several rows of one file may be one record.
    pending: dict[str, tuple[_Place, set[str], str, str]] = {}
    fills: dict[int, dict[str, object]] = defaultdict(dict)
    for record in report.records:
        if record.record_id in pending:
            pending[record.record_id][1].update(record.codes)
            rules["same-record-in-file"] += 1
            result.merged += 1
            continue
        if record.record_id in known_sources:
            place = by_id[known_sources[record.record_id][1]]
            rule, label = FacilitySource.Rule.SAME_RECORD.value, ""
            result.updated += 1
        else:
            candidate = _place_of(
                record.name, record.name2, record.street1, record.zip_code, record.latitude, record.longitude
            )
            found = index.match(candidate)
            if found:
                place, rule = found[0], str(found[1])
                label = place.label
                result.merged += 1
            else:
                candidate.new = _new_facility(record, now)
                index.add(candidate)
                place, rule, label = candidate, FacilitySource.Rule.NEW.value, ""
                result.created += 1
        rules[rule] += 1
        place.claimed = True
        pending[record.record_id] = (place, set(record.codes), rule, label[:300])
        if place.facility_id is not None:
            _fill_blanks(fills[place.facility_id], record)
        elif place.new is not None:
            for name in _FILLABLE:
                if not getattr(place.new, name) and getattr(record, name):
                    setattr(place.new, name, getattr(record, name))
    result.merge_rules = dict(rules)
    _write(report.format, pending, known_sources, fills, now)
    return result


def _fill_blanks(fill: dict[str, object], record: Record) -> None:
    for name in _FILLABLE:
        value = getattr(record, name)
        if value and name not in fill:
            fill[name] = value
    if not record.approximate_location:
        fill.setdefault("_exact", (record.latitude, record.longitude))


def _write(
    source: str,
    pending: dict[str, tuple[_Place, set[str], str, str]],
    known_sources: dict[str, tuple[int, int]],
    fills: dict[int, dict[str, object]],
    now: datetime,
) -> None:
    new_places = [place for place, *_rest in pending.values() if place.new is not None and place.facility_id is None]
    unique_new = list({id(place): place for place in new_places}.values())
    Facility.objects.bulk_create([place.new for place in unique_new if place.new], batch_size=500)
    for place in unique_new:
        if place.new is None or place.new.pk is None:
            raise RuntimeError("bulk_create returned no primary key (the database must support RETURNING)")
        place.facility_id = place.new.pk
    # Fill fields that the stored facility lacks (a phone from the locator, say).
    touched_existing = [facility_id for facility_id in fills if fills[facility_id]]
    to_update = []
    for facility in Facility.objects.filter(id__in=touched_existing).only(
        "id", *_FILLABLE, "approximate_location", "latitude", "longitude"
    ):
        changed = False
        for name, value in fills[facility.pk].items():
            if name == "_exact":
                if facility.approximate_location:
                    facility.latitude, facility.longitude = value  # type: ignore[misc]
                    facility.approximate_location = False
                    changed = True
                continue
            if not getattr(facility, name):
                setattr(facility, name, value)
                changed = True
        if changed:
            to_update.append(facility)
    columns = [*_FILLABLE, "latitude", "longitude", "approximate_location"]
    _execute_many(Facility, columns, [[getattr(f, c) for c in columns] + [f.pk] for f in to_update])
    new_sources, updated_sources = [], []
    for record_id, (place, record_codes, rule, label) in pending.items():
        codes_text = " ".join(sorted(record_codes))
        if record_id in known_sources:
            updated_sources.append(FacilitySource(pk=known_sources[record_id][0], codes=codes_text, imported_at=now))
        elif place.facility_id is not None:
            new_sources.append(
                FacilitySource(
                    facility_id=place.facility_id,
                    source=source,
                    source_record_id=record_id,
                    match_rule=rule,
                    matched_to=label,
                    codes=codes_text,
                    imported_at=now,
                )
            )
    FacilitySource.objects.bulk_create(new_sources, batch_size=500)
    _execute_many(FacilitySource, ["codes", "imported_at"], [[s.codes, s.imported_at, s.pk] for s in updated_sources])
    facility_codes_refresh(facility_ids={place.facility_id for place, *_r in pending.values() if place.facility_id})


def facility_codes_refresh(*, facility_ids: set[int]) -> None:
    """A facility's codes are the union of its sources' codes (see models.Facility.codes)."""
    union: dict[int, set[str]] = defaultdict(set)
    ids = list(facility_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for facility_id, codes_text in FacilitySource.objects.filter(facility_id__in=chunk).values_list(
            "facility_id", "codes"
        ):
            union[facility_id].update(codes_text.split())
    _execute_many(Facility, ["codes"], [[_codes_text(union[facility_id]), facility_id] for facility_id in ids])


def _execute_many(model: type[models.Model], columns: list[str], rows: list[list[Any]]) -> None:
    """UPDATE ... WHERE id = %s for many rows in one executemany: Django's bulk_update
    builds a CASE per field and row, which took ~50 s for 10,000 rows here."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    fields: list[models.Field[Any, Any]] = []
    for name in columns:
        field = meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{name} is not a concrete field")
        fields.append(field)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column if meta.pk else 'id'))} = %s"  # noqa: S608 (names from _meta)
    )
    prepared = [
        [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=False)] + [row[-1]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def _codes_text(codes: set[str]) -> str:
    return f" {' '.join(sorted(codes))} " if codes else ""


def listing_report_create(*, facility: Facility, problem: str, details: str = "") -> ListingReport:
    """Stores a "something wrong with this listing?" report; e-mails the operator after commit."""
    report = ListingReport(facility=facility, problem=problem, details=details.strip())
    report.full_clean()
    with transaction.atomic():
        report.save()
        if settings.OPERATOR_EMAIL:
            transaction.on_commit(lambda: _mail_operator(report))
    return report


def _mail_operator(report: ListingReport) -> None:
    send_mail(
        subject=f"Waypoint: listing report for facility {report.facility_id}",
        message=f"{report.get_problem_display()}\n\n{report.details}\n\nFacility: {report.facility}",
        from_email=None,
        recipient_list=[settings.OPERATOR_EMAIL],
        fail_silently=True,
    )


__all__ = ["ImportRejected", "ImportResult", "code_table_load", "facilities_import", "listing_report_create"]
