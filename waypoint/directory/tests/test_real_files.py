"""Importers against every real SAMHSA file in ../shared/data/samhsa, imported once per module.

The module fixture commits the import outside the per-test transactions; each test still
runs in its own rolled-back transaction, and the fixture empties the tables at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waypoint.core.places import distance_miles
from waypoint.core.testing import shared_data_path
from waypoint.directory.models import Facility, FacilitySource
from waypoint.directory.selectors import facility_search
from waypoint.directory.services import ImportResult, facilities_import

FILES = [
    ("substance-use-facilities-2021.csv", "facility_list", 14034),
    ("otp-directory-2021.csv", "otp", 1831),
    ("moud-locations-2020.csv", "moud", 10556),
    ("mental-health-facilities-2020.csv", "locator_csv", 11375),
    ("findtreatment-api-sample-2019.json", "api_json", 30),
]


@pytest.fixture(scope="module")
def real_directory(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, ImportResult]]:
    paths = [shared_data_path("samhsa", name) for name, _fmt, _rows in FILES]
    with django_db_blocker.unblock():
        results = {path.name: facilities_import(path=path) for path in paths}
        yield results
        FacilitySource.objects.all().delete()
        Facility.objects.all().delete()


@pytest.mark.parametrize(("name", "fmt", "rows"), FILES)
def test_it_reads_every_row_of_each_real_file(
    real_directory: dict[str, ImportResult], name: str, fmt: str, rows: int
) -> None:
    result = real_directory[name]
    assert (result.format, result.read, result.rejected) == (fmt, rows, 0)
    assert result.created + result.updated + result.merged == rows


@pytest.mark.django_db
def test_sources_become_one_facility_with_the_union_of_codes(real_directory: dict[str, ImportResult]) -> None:
    # The OTP directory's "Gadsden Treatment Center" is the facility list's "BHG Gadsden ...".
    facility = Facility.objects.get(name="BHG Gadsden Treatment Center", zip_code="35901")
    sources = set(facility.sources.values_list("source", flat=True))
    assert {"facility_list", "otp"} <= sources
    assert {"SA", "OTP", "MU"} <= set(facility.code_list)
    assert real_directory["otp-directory-2021.csv"].merged > 1000
    assert real_directory["moud-locations-2020.csv"].merged > 5000


@pytest.mark.django_db
def test_the_otp_file_is_decoded_from_windows_1252(real_directory: dict[str, ImportResult]) -> None:
    assert Facility.objects.filter(name__contains="Clínica").exists()
    assert not Facility.objects.filter(name__contains="\ufffd").exists()


@pytest.mark.django_db
def test_mental_health_rows_keep_phones_and_type(real_directory: dict[str, ImportResult]) -> None:
    facility = Facility.objects.get(name="Perspectives Center for Care Inc", zip_code="06708")
    assert facility.phone == "860-276-3000"
    assert "MH" in facility.code_list


@pytest.mark.django_db
def test_every_intake2_number_is_kept_as_an_intake_line(real_directory: dict[str, ImportResult]) -> None:
    """1,045 rows of the 2020 export give their only intake number in `intake2`."""
    import csv

    path = shared_data_path("samhsa", "mental-health-facilities-2020.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        only_intake2 = {
            row["intake2"].strip()
            for row in csv.DictReader(handle)
            if row["intake2"].strip() not in {"", "NA"} and row["intake1"].strip() in {"", "NA"}
        }
    assert len(only_intake2) > 800
    intake_numbers = {
        phone["number"] for phones in Facility.objects.values_list("phones", flat=True) for phone in phones
        if phone["kind"] == "intake"
    }  # fmt: skip
    assert only_intake2 <= intake_numbers
    naca = Facility.objects.get(name="Native Americans for Community Action", zip_code="86004")
    assert (naca.name2, naca.intake_phone) == ("Substance Abuse Services", "928-773-1245")
    assert "Family Health Center" in naca.other_names


@pytest.mark.django_db
def test_the_real_files_in_another_order_give_the_same_directory(real_directory: dict[str, ImportResult]) -> None:
    """Issue 17 item 2: 23,840 vs 23,831 places depending on the order. Rolled back at
    the end of the test, so the module's directory is untouched."""

    def snapshot() -> list[tuple[object, ...]]:
        return sorted(
            Facility.objects.values_list(
                "name", "name2", "other_names", "street1", "zip_code", "intake_phone", "phone", "codes", "latitude",
                "longitude",
            )
        )  # fmt: skip

    before = snapshot()
    FacilitySource.objects.all().delete()
    Facility.objects.all().delete()
    for name, _fmt, _rows in [FILES[3], FILES[1], FILES[4], FILES[0], FILES[2]]:
        facilities_import(path=shared_data_path("samhsa", name))
    assert snapshot() == before


@pytest.mark.django_db
def test_api_labels_become_codes(real_directory: dict[str, ImportResult]) -> None:
    facility = FacilitySource.objects.filter(source="api_json").select_related("facility").first()
    assert facility is not None
    assert len(facility.codes.split()) > 5
    # Every label of the real 2019 sample is in data/api_labels.csv.
    assert real_directory["findtreatment-api-sample-2019.json"].unknown_codes == {}


@pytest.mark.django_db
def test_reimporting_a_real_file_changes_nothing(real_directory: dict[str, ImportResult]) -> None:
    before = Facility.objects.count()
    again = facilities_import(path=shared_data_path("samhsa", "otp-directory-2021.csv"))
    assert (again.created, again.updated, again.removed) == (0, 1830, 0)
    assert Facility.objects.count() == before


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    latitude=st.floats(min_value=25.0, max_value=48.0),
    longitude=st.floats(min_value=-124.0, max_value=-68.0),
    radius=st.integers(min_value=1, max_value=150),
    codes=st.lists(st.sampled_from(["SA", "MU", "BU", "NU", "OTP", "MH"]), max_size=2, unique=True),
)
def test_search_equals_a_brute_force_scan(
    real_directory: dict[str, ImportResult], latitude: float, longitude: float, radius: int, codes: list[str]
) -> None:
    page = facility_search(
        latitude=latitude, longitude=longitude, radius_miles=radius, codes=sorted(codes), page_size=100
    )
    expected = sorted(
        (distance_miles(latitude, longitude, lat, lon), pk)
        for pk, lat, lon, text in Facility.objects.values_list("id", "latitude", "longitude", "codes")
        if all(f" {code} " in text for code in codes) and distance_miles(latitude, longitude, lat, lon) <= radius
    )
    assert page.count == len(expected)
    assert [hit.facility.pk for hit in page.hits] == [pk for _d, pk in expected[:100]]
