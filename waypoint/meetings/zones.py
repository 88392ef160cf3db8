"""Time zone of a point, from the nearest US ZIP code (the `zipcodes` package that
core.places also reads). For feeds that give coordinates but no ZIP and no zone.

core.places only looks ZIP codes up by code; a nearest-ZIP lookup belongs there in time
(reported to the lead). Until then this small grid index lives here.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from waypoint.core.places import distance_miles

MAX_MILES = 60.0


@cache
def _grid() -> dict[tuple[int, int], list[tuple[float, float, str]]]:
    import zipcodes

    grid: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)
    for row in zipcodes.list_all():
        try:
            latitude, longitude = float(row["lat"]), float(row["long"])
        except (TypeError, ValueError):
            continue
        if row.get("timezone"):
            grid[(int(latitude // 1), int(longitude // 1))].append((latitude, longitude, row["timezone"]))
    return dict(grid)


def timezone_near(latitude: float, longitude: float) -> str:
    """The zone of the nearest ZIP code within MAX_MILES, or "" (outside the US, at sea)."""
    grid = _grid()
    cell = (int(latitude // 1), int(longitude // 1))
    best, best_zone = MAX_MILES, ""
    for dlat in (-1, 0, 1):
        for dlon in (-1, 0, 1):
            for lat, lon, zone in grid.get((cell[0] + dlat, cell[1] + dlon), ()):
                miles = distance_miles(latitude, longitude, lat, lon)
                if miles < best:
                    best, best_zone = miles, zone
    return best_zone
