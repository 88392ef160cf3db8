"""Small file builders for importer tests (crafted inputs, not real data)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

LOCATOR_HEADER = ["name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "county", "phone",
                  "intake_prompt", "intake1", "intake2", "website", "latitude", "longitude", "type_facility"]  # fmt: skip


def write_csv(path: Path, header: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def locator_row(name: str, street: str, lat: float, lon: float, **extra: Any) -> list[Any]:
    values = {"name1": name, "street1": street, "city": "Charlottesville", "state": "VA", "zip": "22902",
              "phone": "434-555-0100", "latitude": lat, "longitude": lon, "type_facility": "SA", **extra}  # fmt: skip
    return [values.get(column, "") for column in LOCATOR_HEADER]


def write_xlsx(path: Path, sheet: str, header: list[str], rows: list[list[Any]]) -> Path:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path
