"""The merge rule on crafted cases (see matching.py and docs/directory.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from waypoint.directory.matching import name_words, names_similar, normalise_name, normalise_street, zip5
from waypoint.directory.models import Facility, FacilitySource
from waypoint.directory.services import facilities_import

from .helpers import LOCATOR_HEADER, locator_row, write_csv

OTP_HEADER = ["ID", "ADDRESS", "CITY", "STATE", "POSTAL", "Latitude", "Longitude"]
MOUD_HEADER = [
    "name1",
    "name2",
    "street1",
    "street2",
    "city",
    "state",
    "zip",
    "zip4",
    "category",
    "latitude",
    "longitude",
]


def test_it_normalises_names_and_streets() -> None:
    assert normalise_name("The Smith & Jones Treatment Ctr, Inc.") == normalise_name(
        "Smith and Jones Treatment Center LLC"
    )
    assert normalise_street("2227 Drake Ave., Suite 19") == "2227 drake ave"
    assert normalise_street("2227 Drake Avenue #19") == "2227 drake ave"
    assert normalise_street("1912 Commerce Ave. NW, P.O. Box 2085") == "1912 commerce ave nw"
    assert zip5("6708") == "06708"
    assert zip5("99654-8525") == "99654"
    assert zip5("NA") == ""


def test_names_are_similar_by_subset_or_overlap() -> None:
    assert names_similar(name_words("Gadsden Treatment Center"), name_words("BHG Gadsden Treatment Center"))
    assert not names_similar(name_words("Aletheia House"), name_words("Bradford Health Services"))


@pytest.mark.django_db
def test_it_merges_one_place_across_three_sources(tmp_path: Path) -> None:
    facilities = write_csv(tmp_path / "fac.csv", ["name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "county", "latitude", "longitude"],
                           [["BHG Gadsden Treatment Center", "", "1121 Gardner Street", "", "Gadsden", "AL", "35901", "", "Etowah", 34.02118, -86.01792]])  # fmt: skip
    otp = write_csv(
        tmp_path / "otp.csv",
        OTP_HEADER,
        [["Gadsden Treatment Center", "1121 Gardner St., Suite 2", "Gadsden", "AL", "35901", 34.02101, -86.01797]],
    )
    moud = write_csv(tmp_path / "moud.csv", MOUD_HEADER, [
        ["BHG Gadsden Treatment Center Inc", "", "1121 Gardner Street", "", "Gadsden", "AL", "35901", "", "methadone", 34.0212, -86.0179],
        ["BHG Gadsden Treatment Center Inc", "", "1121 Gardner Street", "", "Gadsden", "AL", "35901", "", "buprenorphine", 34.0212, -86.0179],
    ])  # fmt: skip
    assert facilities_import(path=facilities).created == 1
    assert facilities_import(path=otp).merged == 1
    moud_result = facilities_import(path=moud)
    assert (moud_result.created, moud_result.merged) == (0, 2)
    facility = Facility.objects.get()
    assert set(facility.code_list) == {"SA", "OTP", "MU", "BU"}
    rules = dict(FacilitySource.objects.values_list("source", "match_rule"))
    assert rules == {"facility_list": "new", "otp": "street+zip+similar-name", "moud": "name+street+zip"}
    assert "Gadsden" in FacilitySource.objects.get(source="otp").matched_to


@pytest.mark.django_db
def test_it_keeps_two_programs_at_one_address_apart(tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "a.csv", LOCATOR_HEADER, [locator_row("Aletheia House", "10 Main Street", 38.03, -78.48)]
    )
    second = write_csv(
        tmp_path / "b.csv",
        LOCATOR_HEADER,
        [locator_row("Bradford Health Services", "10 Main St, Suite 4", 38.03, -78.48, type_facility="MH")],
    )
    facilities_import(path=first)
    # A second file of the same format (another export): still compared, still different.
    assert facilities_import(path=second).created == 1
    assert Facility.objects.count() == 2


@pytest.mark.django_db
def test_it_merges_similar_names_within_a_tenth_of_a_mile_only(tmp_path: Path) -> None:
    base = write_csv(
        tmp_path / "base.csv", LOCATOR_HEADER, [locator_row("Hope Recovery Center", "1 Oak Avenue", 38.0300, -78.4800)]
    )
    facilities_import(path=base)
    near = write_csv(
        tmp_path / "near.csv",
        MOUD_HEADER,
        [
            [
                "Hope Recovery Center",
                "",
                "3 Oak Court",
                "",
                "Charlottesville",
                "VA",
                "22903",
                "",
                "buprenorphine",
                38.0305,
                -78.4805,
            ]
        ],
    )
    far = write_csv(
        tmp_path / "far.csv",
        OTP_HEADER,
        [["Hope Recovery Center", "500 River Road", "Charlottesville", "VA", "22902", 38.05, -78.45]],
    )
    assert facilities_import(path=near).merged == 1
    assert facilities_import(path=far).created == 1
    # The MOUD list outranks a locator export, so its record speaks for the place and the
    # locator's record is the one that joined it.
    assert FacilitySource.objects.get(source="moud").match_rule == "new"
    assert FacilitySource.objects.get(source="locator_csv:base").match_rule == "similar-name+within-0.1mi"


@pytest.mark.django_db
def test_it_never_merges_two_records_of_one_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "one.csv", LOCATOR_HEADER, [
        locator_row("Aletheia House", "135 Finley Avenue West", 33.5369, -86.8379, name2="Men Only"),
        locator_row("Aletheia House", "201 Finley Avenue West", 33.5365, -86.8387),
    ])  # fmt: skip
    assert facilities_import(path=path).created == 2
