"""Reading one person's check-ins from a CSV file (``manage.py insights_explain``).

Columns (header row required, any order; docs/insights.md): date, mood, craving, used,
sleep_hours, medication_taken, meeting, stress, pain, triggers — and, optionally, therapy
and recorded_at. An empty cell is "not answered". Anything else that does not fit raises
:class:`CsvProblem` naming the line and the column, never a traceback.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from waypoint.insights.facts import Checkin

REQUIRED = (
    "date", "mood", "craving", "used", "sleep_hours", "medication_taken", "meeting", "stress", "pain", "triggers",
)  # fmt: skip
OPTIONAL = ("therapy", "recorded_at")
MAX_BYTES = 20 * 1024 * 1024  # ~50 years of daily rows with long trigger lists
MAX_ROWS = 20_000
MAX_FIELD = 10_000
MAX_TRIGGER = 200
TRUE = {"1", "true", "yes", "y", "t", "si", "sí"}
FALSE = {"0", "false", "no", "n", "f"}


class CsvProblem(ValueError):
    def __init__(self, line: int | None, column: str | None, message: str) -> None:
        self.line = line
        self.column = column
        where = ", ".join(
            part for part in (f"line {line}" if line else "", f"column {column!r}" if column else "") if part
        )
        super().__init__(f"{where}: {message}" if where else message)


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value == int(value) and low <= value <= high):
            raise ValueError(f"{text!r} is not a whole number from {low} to {high}")
        return int(value)

    return parse


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= 24):
        raise ValueError(f"{text!r} is not a number of hours from 0 to 24")
    return value


def _yes_no(text: str) -> bool:
    folded = text.casefold()
    if folded in TRUE:
        return True
    if folded in FALSE:
        return False
    raise ValueError(f"{text!r} is not yes/no (use true/false, yes/no or 1/0)")


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2025-03-14") from None


def _stamp(text: str) -> datetime.datetime:
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time like 2025-03-14T20:15:00-05:00") from None


def _triggers(text: str) -> tuple[str, ...]:
    names = tuple(" ".join(part.split()) for part in text.split(";"))
    names = tuple(name for name in names if name)
    for name in names:
        if len(name) > MAX_TRIGGER:
            raise ValueError(f"a trigger name is longer than {MAX_TRIGGER} characters")
        if any(ord(ch) < 32 for ch in name):
            raise ValueError("a trigger name holds a control character")
    return names


PARSERS: dict[str, Callable[[str], Any]] = {
    "date": _date,
    "mood": _whole(1, 5),
    "craving": _whole(0, 10),
    "used": _yes_no,
    "sleep_hours": _hours,
    "medication_taken": _yes_no,
    "meeting": _yes_no,
    "therapy": _yes_no,
    "stress": _whole(0, 10),
    "pain": _whole(0, 10),
    "triggers": _triggers,
    "recorded_at": _stamp,
}


def read_text(text: str) -> list[Checkin]:
    """The check-ins in a CSV document, one per date, sorted by date."""
    if "\x00" in text:
        raise CsvProblem(1 + text[: text.index("\x00")].count("\n"), None, "the file holds a NUL byte (not a CSV)")
    # The limit is process-wide: set for this read only.
    previous = csv.field_size_limit(MAX_FIELD)
    try:
        return _read(csv.reader(io.StringIO(text, newline="")))
    finally:
        csv.field_size_limit(previous)


def _read(reader: Any) -> list[Checkin]:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CsvProblem(reader.line_num or 1, None, f"unreadable CSV ({exc})") from None
    if header is None or not any(cell.strip() for cell in header):
        raise CsvProblem(1, None, "the file is empty; the first line must name the columns")
    names = [cell.strip().lstrip("\ufeff").casefold() for cell in header]
    for index, name in enumerate(names):
        if name not in REQUIRED and name not in OPTIONAL:
            raise CsvProblem(1, header[index].strip(), f"unknown column (expected: {', '.join(REQUIRED + OPTIONAL)})")
        if names.index(name) != index:
            raise CsvProblem(1, name, "this column appears twice")
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise CsvProblem(1, None, f"missing column(s): {', '.join(missing)}")

    rows: list[Checkin] = []
    seen: dict[datetime.date, int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CsvProblem(reader.line_num, None, f"unreadable CSV ({exc})") from None
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) != len(names):
            raise CsvProblem(line, None, f"{len(cells)} values where the header has {len(names)} columns")
        if len(rows) >= MAX_ROWS:
            raise CsvProblem(line, None, f"more than {MAX_ROWS} rows")
        values: dict[str, Any] = {}
        for name, cell in zip(names, cells, strict=True):
            cell = cell.strip()
            if cell == "":
                if name == "date":
                    raise CsvProblem(line, name, "every row needs a date")
                values[name] = () if name == "triggers" else (False if name == "used" else None)
                continue
            try:
                values[name] = PARSERS[name](cell)
            except ValueError as exc:
                raise CsvProblem(line, name, str(exc)) from None
        date = values["date"]
        if date in seen:
            raise CsvProblem(line, "date", f"{date} is already on line {seen[date]} (one check-in per day)")
        seen[date] = line
        rows.append(Checkin(**values))
    rows.sort(key=lambda row: row.date)
    return rows


def read_path(path: str | Path) -> list[Checkin]:
    """The check-ins in a CSV file (UTF-8, with or without a byte-order mark)."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise CsvProblem(None, None, f"cannot open {file}: {exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise CsvProblem(None, None, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise CsvProblem(None, None, f"cannot read {file}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CsvProblem(line, None, "the file is not UTF-8 text") from None
    return read_text(text)
