"""Sources and merging: the same directory whatever the file order, names chosen by source
priority with the others kept searchable, every phone kept with its kind (issue 17 items
2–3), and a file never silently empties its source (issue 15 item 8)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from waypoint.directory.importers import ImportRejected
from waypoint.directory.models import Facility, FacilitySource
from waypoint.directory.services import ImportShrinks, facilities_import

from .helpers import LOCATOR_HEADER, locator_row, write_csv

pytestmark = pytest.mark.django_db

LIST_HEADER = [
    "name1",
    "name2",
    "street1",
    "street2",
    "city",
    "state",
    "zip",
    "zip4",
    "county",
    "latitude",
    "longitude",
]
OTP_HEADER = ["ID", "ADDRESS", "CITY", "STATE", "POSTAL", "Latitude", "Longitude"]
MOUD_HEADER = ["name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "category", "latitude",
               "longitude"]  # fmt: skip


def _files(folder: Path) -> list[Path]:
    """Four sources that overlap the way the real ones do: the same places under other
    spellings, a place in one source only, and a mental health export."""
    return [
        write_csv(folder / "list.csv", LIST_HEADER, [
            ["Native Americans for Community Action", "Substance Abuse Services", "1500 East Cedar Avenue",
             "Suite 26", "Flagstaff", "AZ", "86004", "", "Coconino", 35.2192002, -111.6215125],
            ["BHG Gadsden Treatment Center", "", "1121 Gardner Street", "", "Gadsden", "AL", "35901", "", "Etowah",
             34.02118, -86.01792],
            ["Hope Recovery Center", "", "1 Oak Avenue", "", "Charlottesville", "VA", "22902", "", "", 38.03, -78.48],
        ]),
        write_csv(folder / "otp.csv", OTP_HEADER, [
            ["Gadsden Treatment Center", "1121 Gardner St., Suite 2", "Gadsden", "AL", "35901", 34.02101, -86.01797],
            ["Hope Recovery Center", "3 Oak Court", "Charlottesville", "VA", "22903", 38.0305, -78.4805],
        ]),
        write_csv(folder / "moud.csv", MOUD_HEADER, [
            ["BHG Gadsden Treatment Center Inc", "", "1121 Gardner Street", "", "Gadsden", "AL", "35901", "",
             "buprenorphine", 34.0212, -86.0179],
            ["Hope Recovery Center", "", "2 Oak Avenue", "", "Charlottesville", "VA", "22902", "", "naltrexone",
             38.0301, -78.4801],
        ]),
        write_csv(folder / "mental-health.csv", LOCATOR_HEADER, [
            locator_row("Native Americans for Community Action", "1500 East Cedar Avenue", 35.2192002, -111.6215125,
                        name2="Family Health Center", street2="Suite 26", city="Flagstaff", state="AZ",
                        zip="86004", phone="928-773-1245 x260", intake1="", intake2="928-773-1245",
                        type_facility="MH"),
            locator_row("Hope Recovery Center", "1 Oak Avenue", 38.03, -78.48, phone="434-555-0100",
                        intake1="434-555-0101", intake2="434-555-0102", type_facility="MH"),
        ]),
    ]  # fmt: skip


def _snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        (f.name, f.name2, f.other_names, f.street1, f.zip_code, f.phone, f.intake_phone, f.hotline,
         tuple((p["kind"], p["number"]) for p in f.phones), f.codes, f.latitude, f.longitude)
        for f in Facility.objects.all()
    )  # fmt: skip


def _clear() -> None:
    FacilitySource.objects.all().delete()
    Facility.objects.all().delete()


def test_the_directory_is_the_same_whatever_the_order_of_the_files(tmp_path: Path) -> None:
    files = _files(tmp_path)
    snapshots = {}
    orders = list(itertools.permutations(files))
    for order in [*random.Random(17).sample(orders, 6), tuple(files), tuple(reversed(files))]:
        _clear()
        for path in order:
            facilities_import(path=path)
        snapshots[tuple(p.name for p in order)] = _snapshot()
    assert len({repr(snapshot) for snapshot in snapshots.values()}) == 1, snapshots.keys()
    assert Facility.objects.count() == 3


def test_one_command_with_the_files_in_any_order_gives_the_same_directory(tmp_path: Path) -> None:
    files = _files(tmp_path)
    call_command("import_facilities", *map(str, files))
    first = _snapshot()
    _clear()
    shuffled = files[:]
    random.Random(3).shuffle(shuffled)
    call_command("import_facilities", *map(str, reversed(shuffled)))
    assert _snapshot() == first


def test_the_display_name_comes_from_the_highest_priority_source_and_others_stay_searchable(tmp_path: Path) -> None:
    files = _files(tmp_path)
    for path in reversed(files):  # the mental health export first
        facilities_import(path=path)
    naca = Facility.objects.get(name="Native Americans for Community Action")
    assert naca.name2 == "Substance Abuse Services"
    assert naca.other_names == "Native Americans for Community Action — Family Health Center"
    gadsden = Facility.objects.get(zip_code="35901")
    assert gadsden.name == "BHG Gadsden Treatment Center"
    assert "Gadsden Treatment Center" in gadsden.other_names.splitlines()
    assert Facility.objects.filter(other_names__icontains="family health center").get() == naca


def test_every_phone_is_kept_with_its_kind_and_intake2_is_an_intake_line(tmp_path: Path) -> None:
    for path in _files(tmp_path):
        facilities_import(path=path)
    naca = Facility.objects.get(name="Native Americans for Community Action")
    # The export's only intake number is in intake2: it is the number to call.
    assert naca.intake_phone == "928-773-1245"
    assert naca.call_number == "928-773-1245"
    assert naca.phones == [
        {"kind": "intake", "number": "928-773-1245"},
        {"kind": "main", "number": "928-773-1245 x260"},
    ]
    hope = Facility.objects.get(name="Hope Recovery Center", zip_code="22902", street1="1 Oak Avenue")
    assert [(p["kind"], p["number"]) for p in hope.phones] == [
        ("intake", "434-555-0101"),
        ("intake", "434-555-0102"),
        ("main", "434-555-0100"),
    ]
    assert (hope.intake_phone, hope.phone) == ("434-555-0101", "434-555-0100")


def test_a_header_only_file_or_an_empty_page_never_empties_the_directory(tmp_path: Path) -> None:
    from django.utils import timezone

    from waypoint.directory.demo import demo_load

    demo_load(now=timezone.now())
    header_only = tmp_path / "export.csv"
    header_only.write_text(",".join(LOCATOR_HEADER) + "\n")
    with pytest.raises(ImportRejected, match="lists no facilities"):
        facilities_import(path=header_only)
    empty_page = tmp_path / "page.json"
    empty_page.write_text('{"page": 1, "totalPages": 1, "rows": []}')
    with pytest.raises(ImportRejected, match="lists no facilities"):
        facilities_import(path=empty_page)
    assert Facility.objects.filter(is_demo=True).count() == 40
    with pytest.raises(CommandError):
        call_command("import_facilities", str(header_only))
    assert Facility.objects.count() == 40


def test_a_file_that_drops_most_of_its_source_needs_allow_shrink(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_SHRINK_PERCENT = 25
    rows = [locator_row(f"Clinic {n}", f"{n} Main Street", 38.0 + n / 100, -78.0) for n in range(1, 9)]
    facilities_import(path=write_csv(tmp_path / "export.csv", LOCATOR_HEADER, rows))
    # 2 of 8 gone (25 %): allowed, and the two places go with their record.
    result = facilities_import(path=write_csv(tmp_path / "export.csv", LOCATOR_HEADER, rows[:6]))
    assert (result.removed, result.facilities_removed, Facility.objects.count()) == (2, 2, 6)
    # 3 of 6 gone (50 %): refused, nothing changed.
    with pytest.raises(ImportShrinks, match="would remove 3 of the 6 places"):
        facilities_import(path=write_csv(tmp_path / "export.csv", LOCATOR_HEADER, rows[:3]))
    assert Facility.objects.count() == 6
    with pytest.raises(CommandError):
        call_command("import_facilities", str(tmp_path / "export.csv"))
    call_command("import_facilities", str(tmp_path / "export.csv"), "--allow-shrink")
    assert Facility.objects.count() == 3


def test_a_place_another_source_still_lists_stays_when_one_source_drops_it(tmp_path: Path) -> None:
    files = _files(tmp_path)
    for path in files:
        facilities_import(path=path)
    before = Facility.objects.count()
    moud = files[2]
    write_csv(moud, MOUD_HEADER, [["BHG Gadsden Treatment Center Inc", "", "1121 Gardner Street", "", "Gadsden", "AL",
                                   "35901", "", "buprenorphine", 34.0212, -86.0179]])  # fmt: skip
    result = facilities_import(path=moud, allow_shrink=True)
    assert (result.removed, result.facilities_removed) == (1, 0)
    assert Facility.objects.count() == before
    hope = Facility.objects.get(name="Hope Recovery Center", street1="1 Oak Avenue")
    assert "NU" not in hope.code_list  # naltrexone came only from the dropped MOUD row


def test_a_reimport_keeps_each_place_and_an_operators_edit(tmp_path: Path) -> None:
    files = _files(tmp_path)
    for path in files:
        facilities_import(path=path)
    naca = Facility.objects.get(name="Native Americans for Community Action")
    naca.website = "https://naca.example.org/"
    naca.save(update_fields=["website"])
    for path in reversed(files):
        facilities_import(path=path)
    naca.refresh_from_db()  # same id (page address, reports), edit kept: the sources did not change
    assert naca.website == "https://naca.example.org/"


def test_a_listing_report_follows_its_place_into_a_merge(tmp_path: Path) -> None:
    from waypoint.directory.models import ListingReport

    moud = write_csv(tmp_path / "moud.csv", MOUD_HEADER, [
        ["Hope Clinic", "", "1 Oak Avenue", "", "Charlottesville", "VA", "22902", "", "methadone", 38.0000, -78.48],
    ])  # fmt: skip
    export = write_csv(
        tmp_path / "export.csv", LOCATOR_HEADER, [locator_row("Hope Clinic", "5 Elm Street", 38.0024, -78.48)]
    )
    facilities_import(path=moud)
    facilities_import(path=export)
    assert Facility.objects.count() == 2  # 0.17 mile apart, other streets: two places
    elm = Facility.objects.get(street1="5 Elm Street")
    report = ListingReport.objects.create(facility=elm, problem="phone")
    # The national list places one "Hope Clinic" between them: both records are that place.
    facilities_import(path=write_csv(tmp_path / "list.csv", LIST_HEADER, [
        ["Hope Clinic", "", "1 Oak Avenue", "", "Charlottesville", "VA", "22902", "", "", 38.0012, -78.48],
    ]))  # fmt: skip
    merged = Facility.objects.get()
    report.refresh_from_db()
    assert report.facility_id == merged.pk


def test_a_place_added_by_hand_survives_every_import(tmp_path: Path) -> None:
    from django.utils import timezone

    manual = Facility.objects.create(
        name="Added in the admin", latitude=38.1, longitude=-78.2, imported_at=timezone.now()
    )
    for path in _files(tmp_path):
        facilities_import(path=path)
    assert Facility.objects.filter(pk=manual.pk).exists()
