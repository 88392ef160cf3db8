"""Reading directory files safely: streamed, within the operator's limits, and with a
clear rejection (never a traceback) for anything hostile or broken.

Limits (settings, see the README): IMPORT_MAX_MB caps the file (and an XLSX's unpacked
size), IMPORT_MAX_ROWS caps the rows. CSV is decoded and parsed row by row; XLSX is read
in openpyxl's read-only streaming mode; JSON (a FindTreatment API page) is parsed whole,
which the size cap bounds. Deeply nested JSON and integers with more than 4,300 digits
become "not valid JSON", not a RecursionError or ValueError.
"""

from __future__ import annotations

import codecs
import csv
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

# An XLSX is zipped XML, about ten times its CSV size once unpacked: a file that unpacks
# to more than this many times IMPORT_MAX_MB is a zip bomb, not a directory.
XLSX_UNPACKED_FACTOR = 10
MAX_COLUMNS = 1000
_CHUNK = 1 << 16


class ImportRejected(Exception):
    """The whole file is refused; nothing was changed."""

    def __init__(self, path: str, message: str, *, line: int | None = None, field: str | None = None) -> None:
        self.path, self.line, self.field, self.message = path, line, field, message
        where = path + (f", line {line}" if line is not None else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {message}")


def max_bytes() -> int:
    return int(settings.IMPORT_MAX_MB) * 1024 * 1024


def max_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


def check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRejected(str(path), f"cannot read the file ({exc.strerror})") from None
    if size > max_bytes():
        raise ImportRejected(str(path), f"the file is larger than {settings.IMPORT_MAX_MB} MB (IMPORT_MAX_MB)")


def too_many_rows(path: Path) -> ImportRejected:
    return ImportRejected(str(path), f"the file has more than {max_rows():,} rows (IMPORT_MAX_ROWS)")


def head_text(path: Path, size: int = 4096) -> str:
    """The first bytes as text, for format detection."""
    with path.open("rb") as handle:
        raw = handle.read(size)
    return raw.decode(_encoding_of_head(raw), errors="ignore")


def _encoding_of_head(raw: bytes) -> str:
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(raw) - 3:
            return "cp1252"
    return "utf-8-sig"


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or Windows-1252 (the OTP directory), checked over the
    whole file without holding it in memory."""
    utf8 = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                utf8.decode(chunk)
            utf8.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                cp1252.decode(chunk)
    except UnicodeDecodeError as exc:
        raise ImportRejected(str(path), f"the file is neither UTF-8 nor Windows-1252 text ({exc.reason})") from None
    return "cp1252"


def csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """The header and a generator of (line, row): one row in memory at a time."""
    check_size(path)
    encoding = detect_encoding(path)
    handle = path.open(encoding=encoding, newline="")
    reader = csv.DictReader(handle)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        handle.close()
        raise ImportRejected(str(path), f"not a CSV file ({exc})", line=1) from None
    if len(header) > MAX_COLUMNS:
        handle.close()
        raise ImportRejected(str(path), f"more than {MAX_COLUMNS} columns", line=1)
    reader.fieldnames = header
    limit = max_rows()

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        count = 0
        try:
            for row in reader:
                count += 1
                if count > limit:
                    raise too_many_rows(path)
                if None in row:
                    raise ImportRejected(str(path), "the row has more cells than the header", line=reader.line_num)
                yield reader.line_num, row
        except csv.Error as exc:
            raise ImportRejected(str(path), f"broken CSV ({exc})", line=reader.line_num) from None
        finally:
            handle.close()

    return header, rows()


def json_document(path: Path) -> Any:
    check_size(path)
    text = path.read_bytes().decode(detect_encoding(path))
    return parse_json(str(path), text)


def parse_json(name: str, text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(name, f"not valid JSON ({exc.msg})", line=exc.lineno) from None
    except RecursionError:
        raise ImportRejected(name, "not valid JSON (nested too deeply)") from None
    except ValueError as exc:
        # Python refuses to convert integers of more than 4,300 digits (CVE-2020-10735).
        raise ImportRejected(name, f"not valid JSON ({str(exc)[:80]})") from None


def _open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    check_size(path)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRejected(str(path), f"not a readable XLSX file ({exc})") from None
    if unpacked > XLSX_UNPACKED_FACTOR * max_bytes():
        raise ImportRejected(
            str(path), f"the workbook unpacks to more than {XLSX_UNPACKED_FACTOR * settings.IMPORT_MAX_MB} MB"
        )
    try:
        # read_only streams the sheet XML instead of building every cell in memory.
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise ImportRejected(str(path), f"not a readable XLSX file ({type(exc).__name__})") from None


def xlsx_sheet_names(path: Path) -> list[str]:
    workbook = _open_workbook(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def xlsx_rows(path: Path, sheet: str | None) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """The header and a generator of (line, row) from one sheet, streamed."""
    workbook = _open_workbook(path)
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        values = worksheet.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(values, ())[:MAX_COLUMNS]]
        while header and not header[-1]:
            header.pop()  # formatting can stretch a sheet's rows past the last column
    except KeyError:
        workbook.close()
        raise ImportRejected(str(path), f"no sheet named {sheet!r}") from None
    except Exception as exc:  # a broken sheet must be a rejection, not a traceback
        workbook.close()
        raise ImportRejected(str(path), f"not a readable XLSX file ({type(exc).__name__})", line=1) from None
    limit = max_rows()

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        line, count = 1, 0
        try:
            for line, row in enumerate(values, start=2):  # `line` names the failing row below
                if not any(cell not in (None, "") for cell in row):
                    continue
                count += 1
                if count > limit:
                    raise too_many_rows(path)
                yield line, dict(zip(header, row, strict=False))
        except ImportRejected:
            raise
        except Exception as exc:  # e.g. a cell holding a 5,000-digit number
            raise ImportRejected(str(path), f"unreadable cell ({type(exc).__name__})", line=line + 1) from None
        finally:
            workbook.close()

    return header, rows()
