"""Building the directory from every stored source record (the merge rule is in
matching.py and docs/directory.md).

The directory is a function of the set of source records only, never of the order the
files came in: records are taken in a fixed order — by source priority
(importers.PRIORITY), then source name, then record id — and each one joins the first
place it matches or starts a new one. Importing the same files in any order therefore
gives the same places, names and phones (a test shuffles the order).

Each place then takes its fields from its records: name, second name, address and point
from the highest-priority record that has them; every phone number with its kind; the
other records' names as `other_names` (searchable); the union of codes.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from waypoint.core.places import distance_miles

from .importers import PHONE_KINDS, PRIORITY
from .matching import NEAR_MILES, name_words, names_similar, normalise_street

# ~0.7 mile grid cells: a record is compared with places in its own and the 8 cells around it.
_CELL = 0.01


@dataclass
class SourceRow:
    """One stored FacilitySource, as the merge sees it."""

    pk: int
    source: str
    format: str
    record_id: str
    facility_id: int | None
    name: str
    name2: str
    street1: str
    street2: str
    city: str
    state: str
    zip_code: str
    phones: list[list[str]]
    website: str
    latitude: float
    longitude: float
    approximate_location: bool
    facility_type: str
    codes: str

    @property
    def order(self) -> tuple[int, str, str]:
        rank = PRIORITY.index(self.format) if self.format in PRIORITY else len(PRIORITY)
        return rank, self.source, self.record_id


@dataclass
class Cluster:
    """One place: its records in priority order; the first one is what others match."""

    records: list[SourceRow]
    words: frozenset[str]
    all_words: frozenset[str]
    street: str
    sources: set[str] = field(default_factory=set)
    # (record pk → (rule, label of the place it joined)).
    rules: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def first(self) -> SourceRow:
        return self.records[0]


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return int(latitude // _CELL), int(longitude // _CELL)


def _label(row: SourceRow) -> str:
    return f"{row.name} {row.name2}, {row.street1} {row.zip_code}".strip()[:300]


def _similar(words: frozenset[str], all_words: frozenset[str], other: Cluster) -> bool:
    return names_similar(words, other.words) or names_similar(all_words, other.all_words)


class _Index:
    def __init__(self) -> None:
        self.by_zip: dict[str, list[Cluster]] = defaultdict(list)
        self.by_cell: dict[tuple[int, int], list[Cluster]] = defaultdict(list)

    def add(self, cluster: Cluster) -> None:
        row = cluster.first
        if row.zip_code:
            self.by_zip[row.zip_code].append(cluster)
        self.by_cell[_cell(row.latitude, row.longitude)].append(cluster)

    def match(self, row: SourceRow, words: frozenset[str], all_words: frozenset[str]) -> tuple[Cluster, str] | None:
        # Two different records of one source are never one place (SAMHSA lists each
        # program once per file), so a place that has this source already is skipped.
        street = normalise_street(row.street1)
        for other in self.by_zip.get(row.zip_code, ()) if row.zip_code else ():
            if row.source in other.sources:
                continue
            if street and street == other.street:
                if words == other.words:
                    return other, "name+street+zip"
                if _similar(words, all_words, other):
                    return other, "street+zip+similar-name"
        cell_row, cell_col = _cell(row.latitude, row.longitude)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for other in self.by_cell.get((cell_row + dr, cell_col + dc), ()):
                    if row.source in other.sources or not _similar(words, all_words, other):
                        continue
                    first = other.first
                    if distance_miles(row.latitude, row.longitude, first.latitude, first.longitude) <= NEAR_MILES:
                        return other, "similar-name+within-0.1mi"
        return None


def clusters_of(rows: list[SourceRow]) -> list[Cluster]:
    """Groups the records into places, the same way whatever order they were stored in."""
    index = _Index()
    clusters: list[Cluster] = []
    for row in sorted(rows, key=lambda r: r.order):
        own = name_words(row.name)
        words, all_words = frozenset(own), frozenset(own + name_words(row.name2))
        found = index.match(row, words, all_words)
        if found is None:
            cluster = Cluster(records=[row], words=words, all_words=all_words, street=normalise_street(row.street1))
            cluster.rules[row.pk] = ("new", "")
            clusters.append(cluster)
            index.add(cluster)
        else:
            cluster, rule = found
            cluster.records.append(row)
            cluster.rules[row.pk] = (rule, _label(cluster.first))
        cluster.sources.add(row.source)
    return clusters


def assign_facilities(clusters: list[Cluster]) -> dict[int, int | None]:
    """Cluster index → the existing facility it keeps (None: a new one). A place keeps the
    facility most of its records already belonged to, so its page address, reports and
    admin edits survive a re-import; ties go to the oldest facility."""
    taken: set[int] = set()
    chosen: dict[int, int | None] = {}
    for position, cluster in enumerate(clusters):
        votes: dict[int, int] = defaultdict(int)
        for row in cluster.records:
            if row.facility_id is not None:
                votes[row.facility_id] += 1
        ranked = sorted(votes, key=lambda pk: (-votes[pk], pk))
        chosen[position] = next((pk for pk in ranked if pk not in taken), None)
        if chosen[position] is not None:
            taken.add(chosen[position])  # type: ignore[arg-type]
    return chosen


def derived_fields(cluster: Cluster) -> dict[str, Any]:
    """What a place shows, from its records (highest priority first)."""
    records = cluster.records
    first = records[0]
    placed = next((row for row in records if not row.approximate_location), first)
    addressed = next((row for row in records if row.street1), first)
    phones: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for kind in PHONE_KINDS:
        for row in records:
            for phone_kind, number in row.phones:
                if phone_kind == kind and (kind, number) not in seen:
                    seen.add((kind, number))
                    phones.append({"kind": kind, "number": number})

    def first_phone(kind: str) -> str:
        return next((phone["number"] for phone in phones if phone["kind"] == kind), "")

    display = (first.name, first.name2)
    others: list[str] = []
    for row in records[1:]:
        if (row.name, row.name2) != display:
            label = " — ".join(part for part in (row.name, row.name2) if part)
            if label not in others and label != " — ".join(part for part in display if part):
                others.append(label)
    codes: set[str] = set()
    for row in records:
        codes.update(row.codes.split())
    return {
        "name": first.name,
        "name2": first.name2,
        "other_names": "\n".join(others)[:2000],
        "street1": addressed.street1,
        "street2": addressed.street2,
        "city": addressed.city,
        "state": addressed.state,
        "zip_code": addressed.zip_code or first.zip_code,
        "phone": first_phone("main"),
        "intake_phone": first_phone("intake"),
        "hotline": first_phone("hotline"),
        "phones": phones,
        "website": next((row.website for row in records if row.website), ""),
        "latitude": placed.latitude,
        "longitude": placed.longitude,
        "approximate_location": placed.approximate_location,
        "facility_type": next((row.facility_type for row in records if row.facility_type), ""),
        "codes": f" {' '.join(sorted(codes))} " if codes else "",
    }


def digest(values: dict[str, Any]) -> str:
    """A fingerprint of what the sources say: a place is rewritten only when it changes,
    so an operator's edit in the admin lasts until a source changes that place."""
    return hashlib.sha256(repr(sorted(values.items())).encode("utf-8")).hexdigest()[:40]
