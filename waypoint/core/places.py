"""Turning what a person types ("22903", "Charlottesville, VA", "38.03,-78.49") into a point,
offline, and measuring distances. Shared by the treatment locator and the meeting finder.

ZIP data: the `zipcodes` package (GeoNames, CC BY 4.0). It takes about half a second to
load, so the indexes are built once per process, on first use.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from django.utils.translation import gettext as _

from waypoint.core.text import fold_key

EARTH_RADIUS_MILES = 3958.7613
MAX_INPUT_LENGTH = 100

STATE_NAMES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN",
    "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO",
    "montana": "MT", "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH",
    "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
    "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
    "puerto rico": "PR", "guam": "GU", "virgin islands": "VI", "american samoa": "AS",
    "northern mariana islands": "MP",
}  # fmt: skip

# Military "states" (AA, AE, AP) appear in ZIP data too.
_STATE_CODES = {*STATE_NAMES.values(), "AA", "AE", "AP", "FM", "MH", "PW"}

PlaceKind = Literal["zip", "city", "coordinates"]


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    label: str
    kind: PlaceKind
    state: str = ""
    timezone: str = ""


@dataclass
class PlaceError(ValueError):
    """A place we cannot resolve; `message` is translated and safe to show."""

    code: str
    message: str
    candidates: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class _Zip:
    code: str
    city: str
    state: str
    latitude: float
    longitude: float
    timezone: str
    standard: bool


def _fold(text: str) -> str:
    """Lower case, no accents, single spaces, "st." → "saint": how people type cities."""
    text = fold_key(text)
    text = re.sub(r"\bst\b", "saint", text)
    text = re.sub(r"\bft\b", "fort", text)
    text = re.sub(r"\bmt\b", "mount", text)
    return " ".join(text.split())


@cache
def _index() -> tuple[dict[str, _Zip], dict[tuple[str, str], list[_Zip]], dict[str, set[str]]]:
    import zipcodes

    by_zip: dict[str, _Zip] = {}
    by_city: dict[tuple[str, str], list[_Zip]] = defaultdict(list)
    states_of_city: dict[str, set[str]] = defaultdict(set)
    for row in zipcodes.list_all():
        try:
            latitude, longitude = float(row["lat"]), float(row["long"])
        except (TypeError, ValueError):
            continue
        entry = _Zip(
            code=row["zip_code"],
            city=row["city"],
            state=row["state"],
            latitude=latitude,
            longitude=longitude,
            timezone=row.get("timezone") or "",
            standard=row.get("zip_code_type") == "STANDARD",
        )
        by_zip[entry.code] = entry
        for name in [row["city"], *row.get("acceptable_cities", [])]:
            key = _fold(name)
            by_city[(key, entry.state)].append(entry)
            states_of_city[key].add(entry.state)
    return by_zip, dict(by_city), dict(states_of_city)


def zip_lookup(code: str) -> Place | None:
    entry = _index()[0].get(code[:5])
    if entry is None:
        return None
    return Place(
        entry.latitude,
        entry.longitude,
        f"{entry.code} ({entry.city}, {entry.state})",
        "zip",
        entry.state,
        entry.timezone,
    )


_COORDINATES = re.compile(r"^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[, ]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


def coordinates_place(latitude: float, longitude: float) -> Place:
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise PlaceError("bad_coordinates", _("Those coordinates are not numbers."))
    if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
        raise PlaceError(
            "bad_coordinates", _("Coordinates must be a latitude from -90 to 90 and a longitude from -180 to 180.")
        )
    return Place(latitude, longitude, _("the location you gave"), "coordinates")


def _city_place(city_key: str, state: str, entries: list[_Zip]) -> Place:
    # Standard ZIPs are where people live; PO boxes and unique ZIPs pull the centre off.
    chosen = [e for e in entries if e.standard] or entries
    latitude = sum(e.latitude for e in chosen) / len(chosen)
    longitude = sum(e.longitude for e in chosen) / len(chosen)
    name = chosen[0].city if _fold(chosen[0].city) == city_key else city_key.title()
    return Place(latitude, longitude, f"{name}, {state}", "city", state, chosen[0].timezone)


def resolve_place(text: str) -> Place:
    """Resolves a ZIP code, "City, ST" (or "City, State"), a lone city that exists in one
    state only, or "latitude,longitude". Raises PlaceError with a message for people."""
    text = (text or "").strip()
    if not text:
        raise PlaceError("empty", _("Enter a ZIP code or a city and state, like 22903 or Charlottesville, VA."))
    if len(text) > MAX_INPUT_LENGTH:
        raise PlaceError("too_long", _("That is too long for a place. Enter a ZIP code or a city and state."))
    if match := _ZIP.match(text):
        place = zip_lookup(match.group(1))
        if place is None:
            raise PlaceError("unknown_zip", _("We could not find the ZIP code %(zip)s.") % {"zip": match.group(1)})
        return place
    if match := _COORDINATES.match(text):
        return coordinates_place(float(match.group(1)), float(match.group(2)))
    _zips, by_city, states_of_city = _index()
    if "," in text:
        city_part, _sep, state_part = text.rpartition(",")
    else:
        # "Charlottesville VA": the last word may be a state code.
        words = text.split()
        city_part, state_part = (" ".join(words[:-1]), words[-1]) if len(words) > 1 else (text, "")
        if len(state_part) != 2 or state_part.upper() not in STATE_NAMES.values():
            city_part, state_part = text, ""
    city_key = _fold(city_part)
    state_key = state_part.strip()
    if len(state_key) == 2:
        state = state_key.upper() if state_key.upper() in _STATE_CODES else ""
    else:
        state = STATE_NAMES.get(_fold(state_key), "")
    if state_key and not state:
        raise PlaceError(
            "unknown_state",
            _("We do not know the state “%(state)s”. Use its two-letter code, like VA.") % {"state": state_key},
        )
    if not city_key:
        raise PlaceError("empty", _("Enter a ZIP code or a city and state, like 22903 or Charlottesville, VA."))
    if state:
        entries = by_city.get((city_key, state))
        if not entries:
            raise PlaceError(
                "unknown_city",
                _("We could not find %(city)s, %(state)s. Check the spelling or try a ZIP code.")
                % {"city": city_part.strip(), "state": state},
            )
        return _city_place(city_key, state, entries)
    states = sorted(states_of_city.get(city_key, ()))
    if not states:
        raise PlaceError(
            "unknown_city",
            _("We could not find “%(city)s”. Add the state, like Charlottesville, VA, or try a ZIP code.")
            % {"city": city_part.strip()},
        )
    if len(states) > 1:
        candidates = [f"{city_part.strip().title()}, {code}" for code in states]
        raise PlaceError(
            "ambiguous",
            _("There is more than one %(city)s. Add the state, for example: %(examples)s.")
            % {"city": city_part.strip(), "examples": "; ".join(candidates[:5])},
            candidates,
        )
    return _city_place(city_key, states[0], by_city[(city_key, states[0])])


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(latitude: float, longitude: float, miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains the circle of `miles`
    around the point: a cheap index-friendly prefilter before exact distances."""
    dlat = math.degrees(miles / EARTH_RADIUS_MILES)
    cos_lat = math.cos(math.radians(latitude))
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, math.degrees(miles / (EARTH_RADIUS_MILES * cos_lat)))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


@cache
def _zip_grid() -> dict[tuple[int, int], list[_Zip]]:
    """The ZIP index bucketed by whole degrees, for nearest-ZIP look-ups."""
    grid: dict[tuple[int, int], list[_Zip]] = defaultdict(list)
    for entry in _index()[0].values():
        grid[(math.floor(entry.latitude), math.floor(entry.longitude))].append(entry)
    return dict(grid)


def nearest_zip(latitude: float, longitude: float, *, max_miles: float = 60.0) -> Place | None:
    """The ZIP code nearest to a point (within `max_miles`), e.g. to know the time zone of
    a meeting that gives coordinates only; None outside the US or at sea."""
    cell = (math.floor(latitude), math.floor(longitude))
    best: _Zip | None = None
    best_miles = max_miles
    for dlat in (-1, 0, 1):
        for dlon in (-1, 0, 1):
            for entry in _zip_grid().get((cell[0] + dlat, cell[1] + dlon), ()):
                miles = distance_miles(latitude, longitude, entry.latitude, entry.longitude)
                if miles < best_miles:
                    best, best_miles = entry, miles
    return None if best is None else zip_lookup(best.code)
