"""Importers on crafted files: every format, broken input, unknown fields, idempotency."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from waypoint.directory.importers import ImportRejected, detect_format
from waypoint.directory.models import Facility, FacilitySource
from waypoint.directory.services import facilities_import

from .helpers import LOCATOR_HEADER, locator_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def test_it_imports_a_locator_csv_and_reimports_idempotently(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "sa.csv", LOCATOR_HEADER, [
        locator_row("Blue Ridge Recovery", "10 Main Street", 38.03, -78.48, intake1="434-555-0101"),
        locator_row("Hope House", "99 Oak Avenue", 38.10, -78.40, type_facility="MH"),
    ])  # fmt: skip
    first = facilities_import(path=path)
    assert (first.read, first.created, first.merged, first.rejected) == (2, 2, 0, 0)
    again = facilities_import(path=path)
    assert (again.created, again.updated, again.merged) == (0, 2, 0)
    assert Facility.objects.count() == 2
    hope = Facility.objects.get(name="Hope House")
    assert hope.code_list == ["MH"]
    assert Facility.objects.get(name="Blue Ridge Recovery").intake_phone == "434-555-0101"


def test_it_rejects_bad_coordinates_naming_line_and_field_and_changes_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", LOCATOR_HEADER, [
        locator_row("Good Place", "1 Main Street", 38.03, -78.48),
        locator_row("Bad Place", "2 Main Street", 138.0, -78.48),
    ])  # fmt: skip
    with pytest.raises(ImportRejected) as caught:
        facilities_import(path=path)
    assert (caught.value.line, caught.value.field) == (3, "latitude")
    assert "bad.csv" in str(caught.value)
    assert Facility.objects.count() == 0


@pytest.mark.parametrize("value", ["abc", "nan", "inf", ""])
def test_it_rejects_non_numeric_coordinates(tmp_path: Path, value: str) -> None:
    path = write_csv(tmp_path / "x.csv", LOCATOR_HEADER, [locator_row("Place", "1 Main Street", 38.0, -78.0)])
    text = path.read_text().replace("-78.0", value)
    path.write_text(text)
    with pytest.raises(ImportRejected) as caught:
        facilities_import(path=path)
    assert caught.value.field == "longitude"


def test_it_rejects_missing_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cols.csv", ["name1", "city", "phone"], [["A", "B", "1"]])
    with pytest.raises(ImportRejected, match="missing column"):
        facilities_import(path=path, fmt="locator_csv")


def test_it_rejects_a_row_with_too_many_cells(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(",".join(LOCATOR_HEADER) + "\n" + ",".join(["x"] * 20) + "\n")
    with pytest.raises(ImportRejected) as caught:
        facilities_import(path=path, fmt="locator_csv")
    assert caught.value.line == 2


def test_it_rejects_binary_garbage_and_broken_json_and_xlsx(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x81\x8d\x8f\x90\x9d" * 50)
    with pytest.raises(ImportRejected):
        facilities_import(path=garbage)
    broken_json = tmp_path / "page.json"
    broken_json.write_text('{"rows": [ {"name1": "x" ')
    with pytest.raises(ImportRejected, match="not valid JSON"):
        facilities_import(path=broken_json)
    broken_xlsx = tmp_path / "file.xlsx"
    broken_xlsx.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportRejected, match="XLSX"):
        facilities_import(path=broken_xlsx)
    assert Facility.objects.count() == 0


def test_it_counts_unknown_fields_and_codes_in_api_json(tmp_path: Path) -> None:
    page = {"page": 1, "totalPages": 1, "rows": [{
        "name1": "Clinic", "street1": "1 Main Street", "city": "Charlottesville", "state": "VA", "zip": "22902",
        "latitude": "38.03", "longitude": "-78.48", "type_facility": "SA", "newField": 1, "phone": "434-555-0100",
        "services": [{"f1": "Opioid", "f2": "OM", "f3": "Methadone used in Treatment; Buprenorphine used in Treatment; Something new"}],
    }]}  # fmt: skip
    path = tmp_path / "api.json"
    path.write_text(json.dumps(page))
    result = facilities_import(path=path)
    assert result.unknown_fields == {"newField": 1}
    assert result.unknown_codes == {"OM: Something new": 1}
    facility = Facility.objects.get()
    assert set(facility.code_list) == {"SA", "MU", "BU"}
    # No frid: a stable id from the content, so a second import updates.
    assert facilities_import(path=path).updated == 1


def test_it_strips_control_characters_and_caps_lengths(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>\x00\x07" + "A" * 500
    path = write_csv(tmp_path / "h.csv", LOCATOR_HEADER, [locator_row(hostile, "1 Main Street", 38.0, -78.0)])
    facilities_import(path=path)
    name = Facility.objects.get().name
    assert "\x00" not in name
    assert len(name) == 200


def test_it_imports_a_locator_xlsx_with_code_columns(tmp_path: Path) -> None:
    header = [*LOCATOR_HEADER, "MU", "BU", "METH", "ZZZ"]
    path = write_xlsx(tmp_path / "locator.xlsx", "Sheet1", header, [
        [*locator_row("Xlsx Clinic", "5 Pine Street", 38.0, -78.0), 1, None, 1, 1],
    ])  # fmt: skip
    assert detect_format(path) == "locator_xlsx"
    result = facilities_import(path=path)
    assert set(Facility.objects.get().code_list) == {"SA", "MU"}
    assert result.unknown_fields == {"ZZZ": 1}


def test_it_imports_an_nsumhss_facilities_list_at_the_zip_centre(tmp_path: Path) -> None:
    header = ["Name1", "Name2", "Street1", "Street2", "City", "State", "Zip", "Phone", "Intake1", "Intake2",
              "Intake1a", "Intake2a", "Service_code_info"]  # fmt: skip
    path = write_xlsx(tmp_path / "nsumhss.xlsx", "Facilities List", header, [
        ["National Clinic", "", "7 Elm Street", "", "Charlottesville", "VA", "22903", "434-555-0102", "434-555-0103",
         "", "", "", "SA BU METH MD IOP QQQ"],
        ["Nowhere Clinic", "", "8 Elm Street", "", "Nowhere", "VA", "00000", "", "", "", "", "", "SA"],
    ])  # fmt: skip
    assert detect_format(path) == "nsumhss"
    result = facilities_import(path=path)
    assert (result.read, result.created, result.rejected) == (2, 1, 1)
    assert result.unknown_codes == {"QQQ": 1}
    facility = Facility.objects.get()
    assert set(facility.code_list) == {"SA", "BU", "MU", "MD", "OIT"}
    assert facility.approximate_location
    assert facility.intake_phone == "434-555-0103"


def test_it_reads_a_windows_1252_otp_directory(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "otp.csv", ["ID", "ADDRESS", "CITY", "STATE", "POSTAL", "Latitude", "Longitude"], [
        ["Clínica de Metadona, Inc.", "12 Calle Sol, Suite 3", "San Juan", "PR", "00901-1234", 18.46, -66.1],
    ], encoding="cp1252")  # fmt: skip
    facilities_import(path=path)
    facility = Facility.objects.get()
    assert facility.name == "Clínica de Metadona, Inc."
    assert (facility.street1, facility.street2, facility.zip_code) == ("12 Calle Sol", "Suite 3", "00901")
    assert set(facility.code_list) == {"OTP", "MU", "SA"}


def test_the_command_prints_counts_and_fails_on_a_rejected_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_csv(tmp_path / "good.csv", LOCATOR_HEADER, [locator_row("Good", "1 Main Street", 38.0, -78.0)])
    bad = write_csv(tmp_path / "bad.csv", LOCATOR_HEADER, [locator_row("Bad", "1 Main Street", 99.0, -78.0)])
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_facilities", str(good), str(bad))
    out = capsys.readouterr()
    assert "good.csv [locator_csv] as source 'locator_csv:good': read 1, created 1" in out.out
    assert "bad.csv, line 2, field 'latitude'" in out.err
    assert Facility.objects.count() == 1
    assert FacilitySource.objects.get().match_rule == "new"


@pytest.mark.parametrize(
    ("website", "stored"),
    [
        ("javascript:alert(1)", ""),
        ("http://", ""),
        ("www.example.org", "http://www.example.org"),
        ("https://example.org/care?x=1", "https://example.org/care?x=1"),
        ("data:text/html,hi", ""),
    ],
)
def test_only_http_websites_are_kept(tmp_path: Path, website: str, stored: str) -> None:
    path = write_csv(
        tmp_path / "w.csv", LOCATOR_HEADER, [locator_row("Place", "1 Main Street", 38.0, -78.0, website=website)]
    )
    facilities_import(path=path)
    assert Facility.objects.get().website == stored


def test_it_replaces_the_demo_set_with_real_data_but_keeps_it_when_a_file_is_rejected(tmp_path: Path) -> None:
    from django.utils import timezone

    from waypoint.directory.demo import demo_load

    demo_load(now=timezone.now())
    assert Facility.objects.filter(is_demo=True).count() == 40
    bad = write_csv(tmp_path / "bad.csv", LOCATOR_HEADER, [locator_row("Bad Place", "2 Main Street", 138.0, -78.48)])
    with pytest.raises(ImportRejected):
        facilities_import(path=bad)
    assert Facility.objects.filter(is_demo=True).count() == 40
    good = write_csv(
        tmp_path / "sa.csv", LOCATOR_HEADER, [locator_row("Blue Ridge Recovery", "10 Main Street", 38.03, -78.48)]
    )
    facilities_import(path=good)
    assert list(Facility.objects.values_list("name", "is_demo")) == [("Blue Ridge Recovery", False)]
