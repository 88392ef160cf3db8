"""A small generated directory for a fresh clone without ../shared/data.

Every facility is flagged is_demo and labelled "demo data — not real facilities" wherever
it is shown. Names, streets and phone numbers are invented (555-01xx numbers are reserved
for fiction).
"""

from __future__ import annotations

import random
from datetime import datetime

from django.db import transaction

from .models import Facility, FacilitySource
from .services import facility_codes_set

# (city, state, ZIP, latitude, longitude)
CITIES = [
    ("Charlottesville", "VA", "22902", 38.0293, -78.4767),
    ("Richmond", "VA", "23219", 37.5407, -77.4360),
    ("Austin", "TX", "78701", 30.2711, -97.7437),
    ("Columbus", "OH", "43215", 39.9612, -82.9988),
]
_KINDS = ["Recovery Center", "Health Clinic", "Treatment Services", "Wellness House", "Community Care"]
_STREETS = ["Main Street", "Oak Avenue", "River Road", "Market Street", "Park Drive"]
_PROFILES = [
    {"SA", "OTP", "MU", "BU", "OP", "MD", "MC", "SF", "SP"},
    {"SA", "BU", "NU", "OP", "OIT", "PI", "MD", "SS", "CT", "TELE"},
    {"SA", "DT", "RES", "RS", "BU", "PW", "WN", "MD", "NP"},
    {"SA", "OP", "ORT", "AD", "TAY", "MD", "SS", "SP", "AH"},
    {"SA", "HI", "DT", "BU", "NU", "VET", "MI", "PI", "MC"},
    {"SA", "MH", "SUMH", "OP", "GL", "CJ", "SF", "SS", "F17"},
]
PER_CITY = 10


def demo_load(*, now: datetime) -> int:
    """Creates the 40 demo facilities (callers check that the directory is empty)."""
    rng = random.Random(20261122)  # noqa: S311 (made-up demo positions, not security)
    facilities, codes = [], []
    for city, state, zip_code, lat, lon in CITIES:
        for number in range(PER_CITY):
            profile = set(_PROFILES[number % len(_PROFILES)])
            if rng.random() < 0.5:
                profile.add("SP")
            facilities.append(
                Facility(
                    name=f"Demo {city} {_KINDS[number % len(_KINDS)]} {number + 1}",
                    street1=f"{100 + 10 * number} {_STREETS[number % len(_STREETS)]}",
                    city=city,
                    state=state,
                    zip_code=zip_code,
                    # Demo numbers: 555-0100..0199 are reserved for fiction; a few have none.
                    phone="" if number == 7 else f"555-01{number:02d}",
                    latitude=round(lat + rng.uniform(-0.25, 0.25), 5),
                    longitude=round(lon + rng.uniform(-0.25, 0.25), 5),
                    facility_type="SA",
                    is_demo=True,
                    imported_at=now,
                )
            )
            codes.append(" ".join(sorted(_canonical(profile))))
    with transaction.atomic():
        Facility.objects.bulk_create(facilities)
        FacilitySource.objects.bulk_create(
            FacilitySource(
                facility=facility,
                source="demo",
                format="demo",
                source_record_id=str(index),
                match_rule=FacilitySource.Rule.NEW,
                name=facility.name,
                street1=facility.street1,
                city=facility.city,
                state=facility.state,
                zip_code=facility.zip_code,
                latitude=facility.latitude,
                longitude=facility.longitude,
                codes=codes[index],
                imported_at=now,
            )
            for index, facility in enumerate(facilities)
        )
        facility_codes_set(codes={facility.pk: set(codes[index].split()) for index, facility in enumerate(facilities)})
    return len(facilities)


def _canonical(codes: set[str]) -> set[str]:
    from .codes import canonical_code

    return {canonical_code(code) or code for code in codes}
