"""Readers for every SAMHSA directory format Waypoint knows (see docs/data-formats.md).

Each reader turns a file into `Record`s and a `ReadReport`, or raises `ImportRejected`
naming the file, line and field. Files are streamed within the operator's limits
(reading.py). Readers never touch the database: services.py stores the records of a
source and merges the directory in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from waypoint.core.places import zip_lookup

from .codes import canonical_code, code_for_label
from .matching import normalise_name, normalise_street, zip5
from .reading import ImportRejected, csv_rows, head_text, json_document, max_rows, too_many_rows, xlsx_rows
from .reading import xlsx_sheet_names as _xlsx_sheet_names

FORMATS = ("api_json", "locator_csv", "locator_xlsx", "facility_list", "otp", "moud", "nsumhss")
# Which source speaks for a place when several list it (its name, address and point):
# the live API (verified), the national directory, the substance-use lists, then the
# locator's exports, which are often of mental health facilities. Waypoint is about
# substance use care, so a substance-use listing's name wins ("Native Americans for
# Community Action — Substance Abuse Services", not "— Family Health Center").
PRIORITY = ("api_json", "nsumhss", "facility_list", "otp", "moud", "locator_xlsx", "locator_csv")
# Formats that are one national list each: a newer file of the format replaces the older
# one. Locator exports are searches (one state, mental health only, ...): each file is
# its own source unless the operator names one (--source).
NATIONAL = frozenset({"api_json", "nsumhss", "facility_list", "otp", "moud"})
PHONE_KINDS = ("intake", "main", "hotline")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def default_source(fmt: str, path: Path) -> str:
    """The source a file belongs to when the operator names none (see NATIONAL)."""
    if fmt in NATIONAL:
        return fmt
    return f"{fmt}:{path.stem}"[:100]


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
    # Every number the row gives, with its kind (intake, main, hotline), in the row's order.
    phones: list[tuple[str, str]] = field(default_factory=list)
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


def add_phone(record: Record, kind: str, value: Any) -> None:
    number = _clean(value, 40)
    if number and (kind, number) not in record.phones:
        record.phones.append((kind, number))


# --- Detection ---------------------------------------------------------------------------


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "api_json"
    if suffix == ".xlsx":
        sheets = _xlsx_sheet_names(path)
        return "nsumhss" if "Facilities List" in sheets else "locator_xlsx"
    try:
        header = {h.strip().lower() for h in next(csv.reader(io.StringIO(head_text(path))), [])}
    except csv.Error:
        header = set()
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
        website=_clean(row.get("website"), 300),
    )
    # intake2 is often the only intake number (1,045 rows of the 2020 locator export).
    for kind, column in (("intake", "intake1"), ("intake", "intake2"), ("main", "phone"), ("hotline", "hotline1")):
        add_phone(record, kind, row.get(column))
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
    header, rows = csv_rows(path)
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
    header, rows = csv_rows(path)

    def extra(report: ReadReport, record: Record, row: dict[str, Any]) -> None:
        record.facility_type = "SA"
        record.codes.add("SA")

    return _read_tabular(path, "facility_list", header, rows, extra, needed=_LOCATOR, known=_LOCATOR_OPTIONAL)


_MOUD_CATEGORIES = {"buprenorphine": "BU", "methadone": "MU", "naltrexone/vivitrol": "NU", "naltrexone": "NU"}


def read_moud(path: Path) -> ReadReport:
    header, rows = csv_rows(path)

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
    header, rows = csv_rows(path)
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
        data = json_document(path)
    rows = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise ImportRejected(str(path), "expected a list of rows", field="rows")
    if len(rows) > max_rows():
        raise too_many_rows(path)
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


def read_locator_xlsx(path: Path) -> ReadReport:
    """The locator's XLSX download: the CSV columns plus one column per service code (1 = offered)."""
    header, rows = xlsx_rows(path, None)
    code_columns = [name for name in header if name not in _LOCATOR and name not in _LOCATOR_OPTIONAL]

    def extra(report: ReadReport, record: Record, row: dict[str, Any]) -> None:
        _type_codes(report, record, row)
        offered = [name for name in code_columns if str(row.get(name) or "").strip() in {"1", "1.0", "Y", "y"}]
        _add_codes(report, record, offered)

    known = _LOCATOR_OPTIONAL | {name for name in code_columns if canonical_code(name)}
    return _read_tabular(path, "locator_xlsx", header, rows, extra, needed=_LOCATOR, known=known)


def read_nsumhss(path: Path) -> ReadReport:
    """N-SUMHSS national directory ("Facilities List"): codes in Service_code_info, no coordinates."""
    header, rows = xlsx_rows(path, "Facilities List")
    lowered = [name.lower() for name in header]
    lowered_rows = ((line, {key.lower(): value for key, value in row.items()}) for line, row in rows)

    def extra(report: ReadReport, record: Record, row: dict[str, Any]) -> None:
        for column in ("intake1a", "intake2a"):
            add_phone(record, "intake", row.get(column))
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
