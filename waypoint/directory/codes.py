"""The SAMHSA service-code table, kept as data in data/*.csv (read once per process).

Codes are stored and searched in one canonical spelling: newer site keys (METH, IOP,
TELE, CASH, ...) are aliases of the older directory codes (MU, OIT, CT, SF, ...).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from waypoint.core.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class CodeInfo:
    code: str
    category: str
    label_en: str
    label_es: str
    vintage: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    label_en: str
    label_es: str
    order: int


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def code_table() -> dict[str, CodeInfo]:
    return {
        row["code"]: CodeInfo(
            code=row["code"],
            category=row["category"],
            label_en=row["label_en"],
            label_es=row["label_es"],
            vintage=row["vintage"],
            aliases=tuple(row["aliases"].split()),
        )
        for row in _read("service_codes.csv")
    }


@cache
def categories() -> dict[str, CategoryInfo]:
    return {
        row["code"]: CategoryInfo(row["code"], row["label_en"], row["label_es"], int(row["order"]))
        for row in _read("categories.csv")
    }


@cache
def _aliases() -> dict[str, str]:
    mapping = {code: code for code in code_table()}
    for info in code_table().values():
        for alias in info.aliases:
            mapping[alias] = info.code
    return mapping


def canonical_code(code: str) -> str | None:
    """The canonical code for a code or alias (case-insensitive), or None if unknown."""
    return _aliases().get(code.strip().upper())


def fold_label(label: str) -> str:
    """Labels compare without case, accents or extra spaces ("Buprenorphine  used" = "buprenorphine used")."""
    return " ".join(fold(label).split())


@cache
def label_map() -> dict[str, str]:
    """FindTreatment API `f3` label (folded) → canonical code."""
    return {fold_label(row["label"]): row["code"] for row in _read("api_labels.csv")}


def code_for_label(label: str) -> str | None:
    return label_map().get(fold_label(label))


def label(code: str, language: str) -> str:
    info = code_table().get(code)
    if info is None:
        return code
    return info.label_es if language.startswith("es") else info.label_en
