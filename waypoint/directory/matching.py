"""When two source records are the same place (the merge rule, documented in docs/directory.md).

Records are compared only within the same 5-digit ZIP, or within 0.1 mile. Two records
are one place when:

1. name+street+zip: their normalised names and normalised streets are equal, same ZIP; or
2. street+zip+similar-name: same normalised street and ZIP, and similar names; or
3. similar-name+within-0.1mi: similar names, and points within 0.1 mile.

"Similar names": one name's words all appear in the other, or the word sets overlap by at
least half (Jaccard ≥ 0.5), after dropping legal suffixes (inc, llc, ...) and "the".
Two different programs at one address ("Aletheia House" and "Bradford Health") stay
apart because their names are not similar; a program and its own satellite at another
street stay apart unless they are within 0.1 mile.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from waypoint.core.text import fold, fold_words
from waypoint.core.text import normalise_street as _normalise_street

NEAR_MILES = 0.1

_STOP = {"inc", "llc", "llp", "lp", "pc", "pllc", "corp", "corporation", "co", "the", "of", "and", "ltd", "dba", "a"}
_NAME_WORDS = {"ctr": "center", "centre": "center", "svcs": "services", "servs": "services", "svc": "service",
               "trt": "treatment", "tx": "treatment", "hlth": "health", "med": "medical", "comm": "community",
               "assoc": "association", "mt": "mount", "st": "saint", "ft": "fort"}  # fmt: skip

__all__ = ["NEAR_MILES", "name_words", "names_similar", "normalise_name", "normalise_street", "zip5"]


# Every import re-reads and re-matches every stored record (merge.py): the same names and
# streets come back again and again, so their normal forms are kept for the process.
_CACHE = 200_000


@lru_cache(maxsize=_CACHE)
def normalise_street(street: str) -> str:
    return _normalise_street(street)


@lru_cache(maxsize=_CACHE)
def name_words(name: str) -> tuple[str, ...]:
    """ "The Smith & Jones Treatment Ctr, Inc." → ("smith", "jones", "treatment", "center")."""
    text = fold(name).replace("&", " and ").replace("'", "").replace("\u2019", "")
    words = [_NAME_WORDS.get(word, word) for word in fold_words(text)]
    return tuple(word for word in words if word not in _STOP)


def normalise_name(name: str) -> str:
    return " ".join(name_words(name))


def zip5(value: str | int | None) -> str:
    """ZIP as five digits; spreadsheets drop leading zeros (6708 → 06708)."""
    text = str(value or "").strip()
    if text.upper() in {"", "NA", "NAN", "NONE"}:
        return ""
    digits = text.split("-")[0].split(".")[0]
    if not digits.isdigit() or len(digits) > 5:
        return ""
    return digits.zfill(5)


def names_similar(a: Iterable[str], b: Iterable[str]) -> bool:
    set_a, set_b = a if isinstance(a, frozenset) else frozenset(a), b if isinstance(b, frozenset) else frozenset(b)
    if not set_a or not set_b:
        return False
    if set_a <= set_b or set_b <= set_a:
        return True
    return len(set_a & set_b) / len(set_a | set_b) >= 0.5
