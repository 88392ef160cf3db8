"""Reads: the one facility search that the pages and the API share, and facility details.

How the search stays fast (budget: p99 ≤ 15 ms over ~25,000 facilities, bench/bench_directory.py):
1. a bounding box on the indexed latitude column (plus longitude) cuts the country down to
   the few hundred or thousand places near the person;
2. each required code is a `codes LIKE '% MU %'` test on those rows only (the codes are a
   denormalised, space-delimited text field); the index on (latitude, longitude, codes)
   covers both tests, so no table row is read for places that do not match;
3. only (id, latitude, longitude) come back; exact haversine distances are computed in
   Python, sorted, and only the requested page of facilities is loaded (one more query).

"Can see me soon" (the availability app's rules, waypoint/availability/rules.py) joins each
place's one availability row by its relation inside the same candidate query: the filter
keeps places whose fresh update says they take new clients today or within a week, the sort
puts those first (soonest, then nearest). The page's facilities come with their availability
row (select_related), so the availability line costs no query per result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from waypoint.availability import rules as availability_rules
from waypoint.core.places import EARTH_RADIUS_MILES, bounding_box

from . import codes as code_data
from .models import Facility

MIN_RADIUS, MAX_RADIUS, DEFAULT_RADIUS = 1, 500, 25
# When nothing matches, the search tries these radii (miles) in turn and says so.
WIDEN_STEPS = (50, 100, 250, 500)
MAX_PAGE_SIZE = 100
SORTS = ("distance", "soon")


class UnknownService(ValueError):
    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(value)


def canonical_services(values: Iterable[str]) -> list[str]:
    """Codes or aliases (METH, IOP, ...) → sorted canonical codes; UnknownService otherwise."""
    result: set[str] = set()
    for value in values:
        value = value.strip()
        if not value:
            continue
        code = code_data.canonical_code(value)
        if code is None:
            raise UnknownService(value[:20])
        result.add(code)
    return sorted(result)


@dataclass(frozen=True)
class Hit:
    facility: Facility
    distance_miles: float


@dataclass
class SearchPage:
    latitude: float
    longitude: float
    radius_miles: int
    requested_radius_miles: int
    codes: list[str]
    count: int
    page: int
    page_size: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def widened(self) -> bool:
        return self.radius_miles != self.requested_radius_miles

    @property
    def num_pages(self) -> int:
        return Paginator(range(self.count), self.page_size).num_pages

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _candidates(
    latitude: float,
    longitude: float,
    radius: float,
    codes: Sequence[str],
    *,
    soon: bool = False,
    sort: str = "distance",
) -> list[tuple[float, int]]:
    """(haversine `a`, id) of every facility within `radius`, nearest first (with
    sort="soon": soonest first, then nearest)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius)
    queryset = Facility.objects.filter(latitude__gte=min_lat, latitude__lte=max_lat)
    if max_lon - min_lon < 360:
        queryset = queryset.filter(longitude__gte=min_lon, longitude__lte=max_lon)
    for code in codes:
        queryset = queryset.filter(codes__contains=f" {code} ")
    fresh = Q(availability__updated_at__gte=availability_rules.fresh_since(timezone.now()))
    if soon:
        queryset = queryset.filter(fresh, availability__soon_days__lte=availability_rules.SOON_MAX_DAYS)
    columns = ["id", "latitude", "longitude"]
    if sort == "soon":
        # Days until a first visit from a fresh update; every other place sorts after.
        queryset = queryset.annotate(
            soon_rank=Case(
                When(fresh & Q(availability__soon_days__isnull=False), then=F("availability__soon_days")),
                default=Value(availability_rules.NOT_SOON),
                output_field=IntegerField(),
            )
        )
        columns.append("soon_rank")
    # order_by(): the model's default ordering by name would cost a sort of every row.
    sql, params = queryset.order_by().values_list(*columns).query.sql_with_params()
    # A plain cursor: the ORM's row iterator costs about a third more on thousands of rows.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Haversine, split: the distance grows with `a` alone, so rows are kept and sorted by
    # `a` (no asin/sqrt per row); only the page's rows get a distance in miles.
    phi1, cos1 = math.radians(latitude), math.cos(math.radians(latitude))
    sin, cos, radians = math.sin, math.cos, math.radians
    limit = math.sin(min(math.pi / 2, radius / (2 * EARTH_RADIUS_MILES))) ** 2
    if sort == "soon":
        # (rank, a, id) sorted, then the rank dropped: the same (a, id) pairs as below.
        ranked = []
        for pk, lat, lon, rank in rows:
            phi2 = radians(lat)
            a = sin((phi2 - phi1) / 2) ** 2 + cos1 * cos(phi2) * sin(radians(lon - longitude) / 2) ** 2
            if a <= limit:
                ranked.append((rank, a, pk))
        ranked.sort()
        return [(a, pk) for _rank, a, pk in ranked]
    found = []
    for pk, lat, lon in rows:
        phi2 = radians(lat)
        a = sin((phi2 - phi1) / 2) ** 2 + cos1 * cos(phi2) * sin(radians(lon - longitude) / 2) ** 2
        if a <= limit:
            found.append((a, pk))
    found.sort()
    return found


def _miles(a: float) -> float:
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def facility_search(
    *,
    latitude: float,
    longitude: float,
    radius_miles: int = DEFAULT_RADIUS,
    codes: Sequence[str] = (),
    page: int = 1,
    page_size: int = 20,
    widen: bool = False,
    soon: bool = False,
    sort: str = "distance",
) -> SearchPage:
    """Facilities within `radius_miles` offering ALL `codes` (canonical), nearest first.

    With `soon`, only places that can see a new client soon (a fresh availability update:
    today, or a waitlist of at most a week); with sort="soon", those places first, soonest
    then nearest. With `widen`, an empty result is retried at each larger radius in
    WIDEN_STEPS; the returned page says which radius answered. Two queries for a page of
    results, whatever the options.
    """
    if not MIN_RADIUS <= radius_miles <= MAX_RADIUS:
        raise ValueError(f"radius must be {MIN_RADIUS}..{MAX_RADIUS} miles")
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}")
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    radius = radius_miles
    found = _candidates(latitude, longitude, radius, codes, soon=soon, sort=sort)
    if not found and widen:
        for step in WIDEN_STEPS:
            if step <= radius_miles:
                continue
            radius = step
            found = _candidates(latitude, longitude, radius, codes, soon=soon, sort=sort)
            if found:
                break
        else:
            radius = radius_miles
    # A page past the end is empty (not an error): the page says so and links back.
    paginator = Paginator(found, page_size)
    window = list(paginator.page(page)) if page <= paginator.num_pages else []
    # With each place's availability row (one join, same query), for the availability line.
    facilities = Facility.objects.select_related("availability").in_bulk([pk for _a, pk in window]) if window else {}
    return SearchPage(
        latitude=latitude,
        longitude=longitude,
        radius_miles=radius,
        requested_radius_miles=radius_miles,
        codes=list(codes),
        count=len(found),
        page=page,
        page_size=page_size,
        hits=[Hit(facilities[pk], round(_miles(a), 1)) for a, pk in window if pk in facilities],
    )


@dataclass(frozen=True)
class ServiceGroup:
    category: str
    label: str
    services: list[tuple[str, str]]


def facility_service_groups(facility: Facility, language: str) -> list[ServiceGroup]:
    """The facility's codes grouped by category, in the code table's plain words."""
    table, categories = code_data.code_table(), code_data.categories()
    grouped: dict[str, list[tuple[str, str]]] = {}
    for code in facility.code_list:
        info = table.get(code)
        if info is None:
            continue
        grouped.setdefault(info.category, []).append((code, code_data.label(code, language)))
    spanish = language.startswith("es")
    ordered = sorted(grouped, key=lambda cat: categories[cat].order if cat in categories else 99)
    return [
        ServiceGroup(
            category=cat,
            label=(categories[cat].label_es if spanish else categories[cat].label_en) if cat in categories else cat,
            services=sorted(grouped[cat], key=lambda item: item[1]),
        )
        for cat in ordered
    ]
