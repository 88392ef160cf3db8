"""The database side of an import: replace one source's records, then rebuild the places
from every stored record (merge.py), writing only what changed.

Called by services.facilities_import / records_import inside their transaction.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, models

from .importers import ImportRejected, ReadReport, Record
from .merge import SourceRow, assign_facilities, clusters_of, derived_fields, digest
from .models import Facility, FacilitySource, ListingReport

# The columns of a stored record (FacilitySource) that merge.SourceRow reads.
_ROW_COLUMNS = ("name", "name2", "street1", "street2", "city", "state", "zip_code", "phones", "website",
                "latitude", "longitude", "approximate_location", "facility_type", "codes")  # fmt: skip
_FACILITY_COLUMNS = ("name", "name2", "other_names", "street1", "street2", "city", "state", "zip_code", "phone",
                     "intake_phone", "hotline", "phones", "website", "latitude", "longitude",
                     "approximate_location", "facility_type", "codes")  # fmt: skip


IMPORT_LOCK = "directory-import"


class ImportShrinks(ImportRejected):
    """The file would remove more of its source than IMPORT_MAX_SHRINK_PERCENT allows."""

    def __init__(self, path: str, *, source: str, removed: int, previous: int) -> None:
        self.source, self.removed, self.previous = source, removed, previous
        share = round(100 * removed / previous) if previous else 100
        super().__init__(
            path,
            f"this file would remove {removed:,} of the {previous:,} places source {source!r} listed ({share}%, "
            f"more than IMPORT_MAX_SHRINK_PERCENT={settings.IMPORT_MAX_SHRINK_PERCENT}); nothing changed. If it "
            "really replaces the old list, import it again with --allow-shrink (in the admin: confirm).",
        )


@dataclass
class StoreResult:
    read: int = 0
    created: int = 0
    updated: int = 0
    merged: int = 0
    removed: int = 0
    facilities_removed: int = 0
    merge_rules: dict[str, int] = field(default_factory=dict)


def _merged_records(records: Iterable[Record]) -> tuple[dict[str, Record], int]:
    """Rows of one file with the same id are one record (the MOUD list repeats a place
    once per medication): the union of their codes and phones."""
    merged: dict[str, Record] = {}
    repeats = 0
    for record in records:
        known = merged.get(record.record_id)
        if known is None:
            merged[record.record_id] = record
            continue
        repeats += 1
        known.codes.update(record.codes)
        for phone in record.phones:
            if phone not in known.phones:
                known.phones.append(phone)
    return merged, repeats


def _row_values(record: Record) -> dict[str, Any]:
    return {
        "name": record.name,
        "name2": record.name2,
        "street1": record.street1,
        "street2": record.street2,
        "city": record.city,
        "state": record.state,
        "zip_code": record.zip_code,
        "phones": [list(phone) for phone in record.phones],
        "website": record.website,
        "latitude": record.latitude,
        "longitude": record.longitude,
        "approximate_location": record.approximate_location,
        "facility_type": record.facility_type,
        "codes": " ".join(sorted(record.codes)),
    }


def source_replace(
    *, report: ReadReport, source: str, file_name: str, allow_shrink: bool, now: datetime
) -> StoreResult:
    """Makes `source`'s stored records those of `report`, then rebuilds the directory.
    Runs inside the caller's transaction; imports take turns, because each rebuild reads
    every stored record (SQLite's IMMEDIATE transactions already do; PostgreSQL takes an
    advisory lock until the transaction ends)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [IMPORT_LOCK])
    records, repeats = _merged_records(report.records)
    existing: dict[str, dict[str, Any]] = {
        row["source_record_id"]: dict(row)
        for row in FacilitySource.objects.filter(source=source).values("id", "source_record_id", "facility_id")
    }
    gone = [row for record_id, row in existing.items() if record_id not in records]
    share_allowed = settings.IMPORT_MAX_SHRINK_PERCENT / 100
    if existing and len(gone) > share_allowed * len(existing) and not allow_shrink:
        raise ImportShrinks(report.path, source=source, removed=len(gone), previous=len(existing))
    if not records and not allow_shrink:
        # A header-only CSV or an empty page must never empty the directory (not even the
        # demo set, which real data replaces).
        raise ImportRejected(report.path, "the file lists no facilities; nothing changed")

    result = StoreResult(read=report.read, removed=len(gone))
    # This source's rows as they will be: known ids keep their pk and facility.
    incoming: list[SourceRow] = []
    for temporary, (record_id, record) in enumerate(records.items(), start=1):
        known = existing.get(record_id)
        values = _row_values(record)
        incoming.append(
            SourceRow(
                pk=known["id"] if known else -temporary,
                source=source,
                format=report.format,
                record_id=record_id,
                facility_id=known["facility_id"] if known else None,
                **values,
            )
        )
    others = _stored_rows(exclude_source=source)
    rows = others + incoming
    clusters = clusters_of(rows)
    chosen = assign_facilities(clusters)

    rules: dict[str, int] = defaultdict(int)
    rules["same-record-in-file"] = repeats
    result.merged = repeats
    for position, cluster in enumerate(clusters):
        for row in cluster.records:
            if row.source != source:
                continue
            if row.pk > 0:
                result.updated += 1
                rules["same-record"] += 1
            elif cluster.first is row and chosen[position] is None:
                result.created += 1
                rules["new"] += 1
            else:
                result.merged += 1
                rule = cluster.rules[row.pk][0]
                # A higher-priority record now speaks for a place another source listed first.
                rules["leads-existing-place" if rule == "new" else rule] += 1
    result.merge_rules = {rule: count for rule, count in rules.items() if count}

    facility_of = _write_facilities(clusters, chosen, now=now, verified=report.format == "api_json", source=source)
    _write_sources(clusters, facility_of, source=source, fmt=report.format, file_name=file_name, gone=gone, now=now)
    # Only places that had records lose them; a place added by hand in the admin has none.
    had_records = {row.facility_id for row in rows if row.facility_id is not None}
    had_records.update(row["facility_id"] for row in gone)
    result.facilities_removed = _remove_orphans(
        orphans=had_records - set(facility_of.values()), moves=_moves(clusters, facility_of)
    )
    if facility_of:
        # Real data replaces the generated demo set, so the two never mix in results.
        Facility.objects.filter(is_demo=True).delete()
    return result


def _stored_rows(*, exclude_source: str) -> list[SourceRow]:
    queryset = FacilitySource.objects.filter(facility__is_demo=False).exclude(source=exclude_source)
    columns = ("id", "source", "format", "source_record_id", "facility_id", *_ROW_COLUMNS)
    return [
        SourceRow(
            pk=row[0],
            source=row[1],
            format=row[2] or row[1].split(":")[0],
            record_id=row[3],
            facility_id=row[4],
            **dict(zip(_ROW_COLUMNS, row[5:], strict=True)),
        )
        for row in queryset.order_by().values_list(*columns)
    ]


def _write_facilities(
    clusters: list[Any], chosen: dict[int, int | None], *, now: datetime, verified: bool, source: str
) -> dict[int, int]:
    """Creates and updates places; returns cluster position → facility id."""
    facility_of: dict[int, int] = {}
    # One read of every real place (no IN list of thousands of ids: SQLite caps parameters).
    stored = dict(Facility.objects.filter(is_demo=False).values_list("pk", "source_digest"))
    new: list[tuple[int, dict[str, Any], str]] = []
    updates: list[list[Any]] = []
    checked: list[list[Any]] = []
    for position, cluster in enumerate(clusters):
        values = derived_fields(cluster)
        fingerprint = digest(values)
        has_api = any(row.format == "api_json" for row in cluster.records)
        touched = verified and any(row.source == source for row in cluster.records)
        pk = chosen[position]
        if pk is None:
            new.append((position, {**values, "imported_at": now, "verified_at": now if has_api else None}, fingerprint))
            continue
        facility_of[position] = pk
        if stored[pk] != fingerprint:
            updates.append([*(values[name] for name in _FACILITY_COLUMNS), fingerprint, now, pk])
        if touched:
            checked.append([now, pk])
    if new:
        # A marker digest finds the new rows' ids afterwards (executemany returns none).
        token = secrets.token_hex(4)
        columns = [*_FACILITY_COLUMNS, "imported_at", "verified_at", "is_demo", "source_digest"]
        insert_many(
            Facility,
            columns,
            [
                [*(values[name] for name in columns[:-2]), False, f"new-{token}-{index}"]
                for index, (_p, values, _d) in enumerate(new)
            ],
        )
        ids = dict(
            Facility.objects.filter(source_digest__startswith=f"new-{token}-").values_list("source_digest", "pk")
        )
        digests = []
        for index, (position, _values, fingerprint) in enumerate(new):
            facility_of[position] = ids[f"new-{token}-{index}"]
            digests.append([fingerprint, facility_of[position]])
        execute_many(Facility, ["source_digest"], digests)
    execute_many(Facility, [*_FACILITY_COLUMNS, "source_digest", "imported_at"], updates)
    execute_many(Facility, ["verified_at"], checked)
    return facility_of


def _write_sources(
    clusters: list[Any],
    facility_of: dict[int, int],
    *,
    source: str,
    fmt: str,
    file_name: str,
    gone: list[dict[str, Any]],
    now: datetime,
) -> None:
    gone_ids = [row["id"] for row in gone]
    for start in range(0, len(gone_ids), 900):  # SQLite caps the parameters of one query
        FacilitySource.objects.filter(pk__in=gone_ids[start : start + 900]).delete()
    stored = {
        pk: (facility_id, rule, label)
        for pk, facility_id, rule, label in FacilitySource.objects.values_list(
            "pk", "facility_id", "match_rule", "matched_to"
        )
    }
    new_rows: list[list[Any]] = []
    moved: list[list[Any]] = []
    refreshed: list[list[Any]] = []
    for position, cluster in enumerate(clusters):
        facility_id = facility_of[position]
        for row in cluster.records:
            rule, label = cluster.rules[row.pk]
            if row.pk < 0:
                new_rows.append(
                    [
                        facility_id,
                        row.source,
                        fmt,
                        file_name[:200],
                        row.record_id,
                        rule,
                        label,
                        now,
                        *(getattr(row, name) for name in _ROW_COLUMNS),
                    ]
                )
                continue
            if row.source == source and source:
                refreshed.append([*(getattr(row, name) for name in _ROW_COLUMNS), fmt, file_name[:200], now, row.pk])
            if stored.get(row.pk) != (facility_id, rule, label):
                moved.append([facility_id, rule, label, row.pk])
    insert_many(
        FacilitySource,
        ["facility", "source", "format", "file_name", "source_record_id", "match_rule", "matched_to", "imported_at",
         *_ROW_COLUMNS],
        new_rows,
    )  # fmt: skip
    execute_many(FacilitySource, [*_ROW_COLUMNS, "format", "file_name", "imported_at"], refreshed)
    execute_many(FacilitySource, ["facility", "match_rule", "matched_to"], moved)


def _moves(clusters: list[Any], facility_of: dict[int, int]) -> dict[int, int]:
    """Old facility id → the facility most of its records now belong to."""
    votes: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for position, cluster in enumerate(clusters):
        for row in cluster.records:
            if row.facility_id is not None and row.facility_id != facility_of[position]:
                votes[row.facility_id][facility_of[position]] += 1
    return {old: max(new, key=lambda pk: (new[pk], -pk)) for old, new in votes.items()}


def _remove_orphans(*, orphans: set[int], moves: dict[int, int]) -> int:
    """Places none of whose records is left: every source dropped them, or a new record
    showed that they are another place. Listing reports follow the place that took over
    the records, so an operator never loses one to a merge."""
    ids = sorted(orphans)
    for old in ids:
        if old in moves:
            ListingReport.objects.filter(facility_id=old).update(facility_id=moves[old])
    for start in range(0, len(ids), 900):
        Facility.objects.filter(pk__in=ids[start : start + 900]).delete()
    return len(ids)


def _fields(model: type[models.Model], columns: list[str]) -> list[models.Field[Any, Any]]:
    fields: list[models.Field[Any, Any]] = []
    for name in columns:
        field_ = model._meta.get_field(name)
        if not isinstance(field_, models.Field):
            raise TypeError(f"{name} is not a concrete field")
        fields.append(field_)
    return fields


def insert_many(model: type[models.Model], columns: list[str], rows: list[list[Any]]) -> None:
    """INSERT many rows in one executemany: bulk_create builds model instances and SQL per
    batch, which cost ~9 s for 20,000 rows here. Every NOT NULL column must be given."""
    if not rows:
        return
    fields = _fields(model, columns)
    quote = connection.ops.quote_name
    names = ", ".join(quote(field_.column) for field_ in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 (names from _meta)
    prepared = [
        [field_.get_db_prep_save(value, connection) for field_, value in zip(fields, row, strict=True)] for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def execute_many(model: type[models.Model], columns: list[str], rows: list[list[Any]]) -> None:
    """UPDATE ... WHERE id = %s for many rows in one executemany: Django's bulk_update
    builds a CASE per field and row, which took ~50 s for 10,000 rows here."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    fields = _fields(model, columns)
    assignments = ", ".join(f"{quote(field_.column)} = %s" for field_ in fields)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column if meta.pk else 'id'))} = %s"  # noqa: S608 (names from _meta)
    )
    prepared = [
        [field_.get_db_prep_save(value, connection) for field_, value in zip(fields, row, strict=False)] + [row[-1]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
