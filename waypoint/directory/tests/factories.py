from __future__ import annotations

import datetime as dt

import factory

from waypoint.directory.models import Facility


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"Test Clinic {n}")
    street1 = factory.Sequence(lambda n: f"{n + 1} Main Street")
    city = "Charlottesville"
    state = "VA"
    zip_code = "22902"
    phone = "434-555-0100"
    latitude = 38.03
    longitude = -78.48
    facility_type = "SA"
    codes = " SA "
    imported_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def codes_text(*codes: str) -> str:
    return f" {' '.join(sorted(codes))} "
