"""Readers for every SAMHSA directory format Waypoint knows (see docs/data-formats.md).

Each reader turns a file into `Record`s and a `ReadReport`, or raises `ImportRejected`
naming the file, line and field. Readers never touch the database: services.py merges
the records in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from waypoint.core.places import zip_lookup

from .codes import canonical_code, code_for_label
from .matching import normalise_name, normalise_street, zip5

FORMATS = ("api_json", "locator_csv", "locator_xlsx", "facility_list", "otp", "moud", "nsumhss")
MAX_FILE_BYTES = 200 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ImportRejected(Exception):
    """The whole file is refused; nothing was changed."""

    def __init__(self, path: str, message: str, *, line: int | None = None, field: str | None = None) -> None:
        self.path, self.line, self.field, self.message = path, line, field, message
        where = path + (f", line {line}" if line is not None else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {message}")


@dataclass
class Record:
    source: str
    record_id: str
    line: int
    name: str
    name2: str = ""
    street1: str = ""
    street2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    phone: str = ""
    intake_phone: str = ""
    hotline: str = ""
    website: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    approximate_location: bool = False
    facility_type: str = ""
    codes: set[str] = field(default_factory=set)


@dataclass
class ReadReport:
    path: str
    format: str
    read: int = 0
    records: list[Record] = field(default_factory=list)
    unknown_fields: Counter[str] = field(default_factory=Counter)
    unknown_codes: Counter[str] = field(default_factory=Counter)
    # Rows kept out (e.g. no coordinates and an unknown ZIP): (line, reason).
    rejected_rows: list[tuple[int, str]] = field(default_factory=list)


def _clean(value: Any, limit: int = 200) -> str:
    if value is None:
        return ""
    text = _CONTROL.sub("", str(value)).strip()
    return "" if text.upper() == "NA" else text[:limit]


def _record_id(*parts: str) -> str:
    """Sources without ids: a stable id from the normalised identity of the row, so a
    re-import finds the same record again."""
    key = "|".join(parts)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _coordinate(path: str, line: int, name: str, value: Any, low: float, high: float) -> float:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        raise ImportRejected(path, f"{value!r} is not a number", line=line, field=name) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ImportRejected(path, f"{number} is outside {low}..{high}", line=line, field=name)
    return number


def _decode(path: str, raw: bytes) -> str:
    # Real SAMHSA exports come as UTF-8 (with or without BOM) or Windows-1252 (the OTP directory).
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportRejected(path, f"the file is neither UTF-8 nor Windows-1252 text ({exc.reason})") from None


def _read_bytes(path: Path) -> bytes:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportRejected(str(path), "the file is larger than 200 MB")
    return path.read_bytes()


# --- Detection ---------------------------------------------------------------------------


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "api_json"
    if suffix == ".xlsx":
        sheets = _xlsx_sheet_names(path)
        return "nsumhss" if "Facilities List" in sheets else "locator_xlsx"
    text = _decode(str(path), _read_bytes(path)[:4096])
    header = {h.strip().lower() for h in next(csv.reader(io.StringIO(text)), [])}
    if {"id", "address", "postal"} <= header:
        return "otp"
    if {"category", "county_geoid"} <= header or "category" in header:
        return "moud"
    if "service_code_info" in header:
        return "nsumhss"
    if "type_facility" in header or "phone" in header:
        return "locator_csv"
    if {"name1", "latitude", "longitude"} <= header:
        return "facility_list"
    raise ImportRejected(str(path), "unknown file format (use --format to choose one)", line=1)


# --- Rows shared by the tabular formats --------------------------------------------------

_LOCATOR = ["name1", "name2", "street1", "street2", "city", "state", "zip", "latitude", "longitude"]
_LOCATOR_OPTIONAL = {"zip4", "county", "phone", "intake_prompt", "intake1", "intake2", "website", "type_facility",
                     "hotline1", "county_geoid", "county_name", "source", "category"}  # fmt: skip


def _require(path: str, header: Iterable[str], needed: Iterable[str]) -> None:
    missing = [name for name in needed if name not in header]
    if missing:
        raise ImportRejected(path, f"missing column(s): {', '.join(missing)}", line=1, field=missing[0])


def _tabular_record(source: str, path: str, line: int, row: dict[str, Any], *, approximate_ok: bool = False) -> Record:
    name = _clean(row.get("name1"))
    if not name:
        raise ImportRejected(path, "a facility needs a name", line=line, field="name1")
    zip_code = zip5(row.get("zip"))
    record = Record(
        source=source,
        record_id="",
        line=line,
        name=name,
        name2=_clean(row.get("name2")),
        street1=_clean(row.get("street1")),
        street2=_clean(row.get("street2")),
        city=_clean(row.get("city"), 100),
        state=_clean(row.get("state"), 2).upper(),
        zip_code=zip_code,
        phone=_clean(row.get("phone"), 40),
        intake_phone=_clean(row.get("intake1"), 40),
        hotline=_clean(row.get("hotline1"), 40),
        website=_clean(row.get("website"), 300),
    )
    record.website = _safe_website(record.website)
    lat, lon = row.get("latitude"), row.get("longitude")
    if (lat in (None, "", "NA") or lon in (None, "", "NA")) and approximate_ok:
        place = zip_lookup(zip_code) if zip_code else None
        if place is None:
            raise _RowSkipped("no coordinates and an unknown ZIP code")
        record.latitude, record.longitude, record.approximate_location = place.latitude, place.longitude, True
    else:
        record.latitude = _coordinate(path, line, "latitude", lat, -90, 90)
        record.longitude = _coordinate(path, line, "longitude", lon, -180, 180)
    record.record_id = _record_id(
        normalise_name(record.name), normalise_name(record.name2), normalise_street(record.street1), zip_code
    )
    return record


_URL = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$")
_BARE_DOMAIN = re.compile(r"^(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?:/\S*)?$")


def _safe_website(value: str) -> str:
    """Only http(s) links to a host name ever become a link on the page: a hostile file
    must not be able to plant "javascript:" URLs."""
    if _URL.match(value):
        return value
    if _BARE_DOMAIN.match(value):
        return "http://" + value
    return ""


class _RowSkipped(Exception):
    pass


def _add_codes(report: ReadReport, record: Record, codes: Iterable[str]) -> None:
    for raw in codes:
        code = canonical_code(raw)
        if code:
            record.codes.add(code)
        elif raw.strip():
            report.unknown_codes[raw.strip()] += 1


def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    text = _decode(str(path), _read_bytes(path))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ImportRejected(str(path), f"not a CSV file ({exc})", line=1) from None
    reader.fieldnames = header

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for row in reader:
                if None in row:
                    raise ImportRejected(str(path), "the row has more cells than the header", line=reader.line_num)
                yield reader.line_num, row
        except csv.Error as exc:
            raise ImportRejected(str(path), f"broken CSV ({exc})", line=reader.line_num) from None

    return header, rows()


def _read_tabular(
    path: Path,
    fmt: str,
    header: list[str],
    rows: Iterable[tuple[int, dict[str, Any]]],
    extra: Callable[[ReadReport, Record, dict[str, Any]], None],
    *,
    needed: list[str],
    known: set[str],
    approximate_ok: bool = False,
) -> ReadReport:
    report = ReadReport(str(path), fmt)
    _require(str(path), header, needed)
    for name in header:
        if name not in known and name not in needed:
            report.unknown_fields[name or "(blank header)"] += 1
    for line, row in rows:
        report.read += 1
        try:
            record = _tabular_record(fmt, str(path), line, row, approximate_ok=approximate_ok)
        except _RowSkipped as skipped:
            report.rejected_rows.append((line, str(skipped)))
            continue
        extra(report, record, row)
        report.records.append(record)
    return report


# --- The formats ---------------------------------------------------------------------------


def read_locator_csv(path: Path) -> ReadReport:
    header, rows = _csv_rows(path)
    return _read_tabular(path, "locator_csv", header, rows, _type_codes, needed=_LOCATOR, known=_LOCATOR_OPTIONAL)


def _type_codes(report: ReadReport, record: Record, row: dict[str, Any]) -> None:
    kind = _clean(row.get("type_facility"), 10).upper()
    record.facility_type = kind
    if kind in {"SA", "MH"}:
        record.codes.add(kind)
    elif kind == "OTP":
        record.codes.update({"OTP", "MU", "SA"})


def read_facility_list(path: Path) -> ReadReport:
    """The 2021 national substance-use list: no phones and no codes, so every row is SA."""
    header, rows = _csv_rows(path)

    def extra(report: ReadReport, record: Record, row: dict[str, Any]) -> None:
        record.facility_type = "SA"
        record.codes.add("SA")

    return _read_tabular(path, "facility_list", header, rows, extra, needed=_LOCATOR, known=_LOCATOR_OPTIONAL)


_MOUD_CATEGORIES = {"buprenorphine": "BU", "methadone": "MU", "naltrexone/vivitrol": "NU", "naltrexone": "NU"}


def read_moud(path: Path) -> ReadReport:
    header, rows = _csv_rows(path)

    def extra(report: ReadReport, record: Record, row: dict[str, Any]) -> None:
        category = _clean(row.get("category")).lower()
        code = _MOUD_CATEGORIES.get(category)
        if code:
            record.codes.add(code)
        elif category:
            report.unknown_codes[f"category:{category}"] += 1
        record.codes.add("SA")

    return _read_tabular(path, "moud", header, rows, extra, needed=[*_LOCATOR, "category"], known=_LOCATOR_OPTIONAL)


def read_otp(path: Path) -> ReadReport:
    """SAMHSA's OTP directory: every program is a certified OTP that may dispense methadone."""
    header, rows = _csv_rows(path)
    lower = {h.lower(): h for h in header}
    report = ReadReport(str(path), "otp")
    _require(str(path), lower, ["id", "address", "city", "state", "postal", "latitude", "longitude"])
    for name in lower:
        if name not in {"id", "address", "city", "state", "postal", "latitude", "longitude", "certification status"}:
            report.unknown_fields[lower[name]] += 1
    for line, row in rows:
        report.read += 1
        get = {key.lower(): value for key, value in row.items()}
        address = _clean(get.get("address"))
        # "2521 E. Mountain Village Drive, Suites E and F": the suite goes to street2.
        street1, _sep, street2 = address.partition(",")
        mapped = {
            "name1": get.get("id"),
            "street1": street1,
            "street2": street2.strip(),
            "city": get.get("city"),
            "state": get.get("state"),
            "zip": get.get("postal"),
            "latitude": get.get("latitude"),
            "longitude": get.get("longitude"),
        }
        record = _tabular_record("otp", str(path), line, mapped)
        record.facility_type = "OTP"
        record.codes.update({"OTP", "MU", "SA"})
        report.records.append(record)
    return report


_API_KNOWN = {"_irow", "frid", "name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake1",
              "intake2", "hotline1", "website", "typeFacility", "type_facility", "latitude", "longitude", "miles",
              "services", "zip4", "county", "intake_prompt"}  # fmt: skip


def read_api_json(path: Path, data: Any = None) -> ReadReport:
    """FindTreatment API pages: `{page, totalPages, recordCount, rows}` (or a bare list)."""
    if data is None:
        try:
            data = json.loads(_decode(str(path), _read_bytes(path)))
        except json.JSONDecodeError as exc:
            raise ImportRejected(str(path), f"not valid JSON ({exc.msg})", line=exc.lineno) from None
    rows = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise ImportRejected(str(path), "expected a list of rows", field="rows")
    report = ReadReport(str(path), "api_json")
    for index, row in enumerate(rows, start=1):
        report.read += 1
        if not isinstance(row, dict):
            raise ImportRejected(str(path), "a row is not an object", line=index)
        for key in row:
            if key not in _API_KNOWN:
                report.unknown_fields[key] += 1
        record = _tabular_record("api_json", str(path), index, row)
        if row.get("frid"):
            record.record_id = _clean(row["frid"], 80)
        _type_codes(report, record, {"type_facility": row.get("typeFacility") or row.get("type_facility")})
        services = row.get("services") or []
        if not isinstance(services, list):
            raise ImportRejected(str(path), "services must be a list", line=index, field="services")
        for group in services:
            if not isinstance(group, dict):
                raise ImportRejected(str(path), "a service group is not an object", line=index, field="services")
            for label in str(group.get("f3") or "").split(";"):
                if not label.strip():
                    continue
                code = code_for_label(label)
                if code:
                    record.codes.add(code)
                else:
                    report.unknown_codes[f"{group.get('f2', '?')}: {label.strip()}"] += 1
        report.records.append(record)
    return report


def _xlsx_sheet_names(path: Path) -> list[str]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportRejected(str(path), f"not a readable XLSX file ({exc})") from None
    names = list(workbook.sheetnames)
    workbook.close()
    return names


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportRejected(str(path), f"not a readable XLSX file ({exc})") from None
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        values = worksheet.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(values, ())]
        rows = [
            (line, dict(zip(header, row, strict=False)))
            for line, row in enumerate(values, start=2)
            if any(cell not in (None, "") for cell in row)
        ]
    finally:
        workbook.close()
    return header, rows


def read_locator_xlsx(path: Path) -> ReadReport:
    """The locator's XLSX download: the CSV columns plus one column per service code (1 = offered)."""
    header, rows = _xlsx_rows(path, None)
    code_columns = [name for name in header if name not in _LOCATOR and name not in _LOCATOR_OPTIONAL]

    def extra(report: ReadReport, record: Record, row: dict[str, Any]) -> None:
        _type_codes(report, record, row)
        offered = [name for name in code_columns if str(row.get(name) or "").strip() in {"1", "1.0", "Y", "y"}]
        _add_codes(report, record, offered)

    known = _LOCATOR_OPTIONAL | {name for name in code_columns if canonical_code(name)}
    return _read_tabular(path, "locator_xlsx", header, rows, extra, needed=_LOCATOR, known=known)


def read_nsumhss(path: Path) -> ReadReport:
    """N-SUMHSS national directory ("Facilities List"): codes in Service_code_info, no coordinates."""
    header, rows = _xlsx_rows(path, "Facilities List")
    lowered = [name.lower() for name in header]
    lowered_rows = [(line, {key.lower(): value for key, value in row.items()}) for line, row in rows]

    def extra(report: ReadReport, record: Record, row: dict[str, Any]) -> None:
        record.intake_phone = _clean(row.get("intake1") or row.get("intake1a"), 40)
        _add_codes(report, record, str(row.get("service_code_info") or "").split())
        record.facility_type = "MH" if "MH" in record.codes and "SA" not in record.codes else "SA"

    known = {"name2", "street2", "phone", "intake1", "intake2", "intake1a", "intake2a", "service_code_info"}
    return _read_tabular(
        path, "nsumhss", lowered, lowered_rows, extra,
        needed=["name1", "street1", "city", "state", "zip"], known=known, approximate_ok=True,
    )  # fmt: skip


READERS: dict[str, Callable[[Path], ReadReport]] = {
    "api_json": read_api_json,
    "locator_csv": read_locator_csv,
    "locator_xlsx": read_locator_xlsx,
    "facility_list": read_facility_list,
    "otp": read_otp,
    "moud": read_moud,
    "nsumhss": read_nsumhss,
}


def read_file(path: Path, fmt: str | None = None) -> ReadReport:
    if not path.exists():
        raise ImportRejected(str(path), "no such file")
    fmt = fmt or detect_format(path)
    if fmt not in READERS:
        raise ImportRejected(str(path), f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return READERS[fmt](path)
