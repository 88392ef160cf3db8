"""Hostile and oversized files: streamed, capped by IMPORT_MAX_MB / IMPORT_MAX_ROWS, and
rejected with a message, never a traceback (issue 15 items 6 and 7)."""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from waypoint.directory.importers import ImportRejected, read_file
from waypoint.directory.models import Facility
from waypoint.directory.services import facilities_import

from .helpers import LOCATOR_HEADER, locator_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _big_csv(path: Path, rows: int) -> Path:
    line = ",".join(str(v) for v in locator_row("Clinic", "1 Main Street", 38.0, -78.0)) + "\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(LOCATOR_HEADER) + "\n")
        for _ in range(rows):
            handle.write(line)
    return path


def test_a_csv_over_the_row_limit_is_rejected_while_streaming(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 1000
    path = _big_csv(tmp_path / "big.csv", 200_000)  # ~20 MB
    tracemalloc.start()
    try:
        with pytest.raises(ImportRejected, match="more than 1,000 rows"):
            read_file(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The file is read row by row: memory stays far below the file's size (reading it
    # whole, as before, took three times its size).
    assert peak < path.stat().st_size / 4


def test_a_file_over_the_size_limit_is_rejected_before_it_is_read(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_MB = 1
    path = _big_csv(tmp_path / "big.csv", 20_000)
    with pytest.raises(ImportRejected, match=r"larger than 1 MB \(IMPORT_MAX_MB\)"):
        facilities_import(path=path)
    assert Facility.objects.count() == 0


def test_an_xlsx_that_expands_to_many_rows_is_stopped_at_the_limit(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 500
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(LOCATOR_HEADER)
    for _ in range(5000):
        sheet.append(locator_row("Clinic", "1 Main Street", 38.0, -78.0))
    path = tmp_path / "many.xlsx"
    workbook.save(path)
    with pytest.raises(ImportRejected, match="more than 500 rows"):
        facilities_import(path=path)
    assert Facility.objects.count() == 0


def test_an_xlsx_zip_bomb_is_rejected_by_its_unpacked_size(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_MB = 1
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 2_000_000)  # 12 MB, compresses to a few KB
    assert path.stat().st_size < 100_000
    with pytest.raises(ImportRejected, match="unpacks to more than 10 MB"):
        facilities_import(path=path)


def test_an_xlsx_cell_with_a_5000_digit_number_is_a_rejection(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "n.xlsx", "Sheet1", LOCATOR_HEADER, [locator_row("Clinic", "1 Main", 38.0, -78.0)])
    # Put an integer of 5,000 digits where the latitude is (openpyxl would int() it).
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("<v>38</v>", f"<v>{'9' * 5000}</v>", 1).encode()
    assert "9" * 5000 in parts["xl/worksheets/sheet1.xml"].decode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(ImportRejected):
        facilities_import(path=path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"rows": [{"name1": "A", "latitude": ' + "1" * 4301 + "}]}", "not valid JSON"),
        ('{"rows": [' + "{}," * 3 + "]}", "not valid JSON"),
    ],
    ids=["deep-nesting", "4301-digit-integer", "trailing-comma"],
)
def test_hostile_json_is_rejected_with_a_message(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "page.json"
    path.write_text(text)
    with pytest.raises(ImportRejected, match=message):
        facilities_import(path=path)


def test_the_command_reports_hostile_json_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import CommandError, call_command

    path = tmp_path / "page.json"
    path.write_text(json.dumps({"rows": []})[:-2] + "[" * 50_000)
    with pytest.raises(CommandError):
        call_command("import_facilities", str(path))
    err = capsys.readouterr().err
    assert "REJECTED" in err
    assert "Traceback" not in err


def test_a_huge_field_in_a_csv_is_a_broken_csv_not_a_crash(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "wide.csv", LOCATOR_HEADER, [locator_row("x" * 200_000, "1 Main", 38.0, -78.0)])
    with pytest.raises(ImportRejected, match="broken CSV"):
        facilities_import(path=path)
