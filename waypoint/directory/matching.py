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

import re
import unicodedata
from collections.abc import Iterable

NEAR_MILES = 0.1

_STOP = {"inc", "llc", "llp", "lp", "pc", "pllc", "corp", "corporation", "co", "the", "of", "and", "ltd", "dba", "a"}
_NAME_WORDS = {"ctr": "center", "centre": "center", "svcs": "services", "servs": "services", "svc": "service",
               "trt": "treatment", "tx": "treatment", "hlth": "health", "med": "medical", "comm": "community",
               "assoc": "association", "mt": "mount", "st": "saint", "ft": "fort"}  # fmt: skip
_STREET_WORDS = {"street": "st", "avenue": "ave", "av": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr",
                 "lane": "ln", "court": "ct", "place": "pl", "parkway": "pkwy", "highway": "hwy", "hiway": "hwy",
                 "suite": "", "ste": "", "unit": "", "room": "", "rm": "", "floor": "", "fl": "", "building": "",
                 "bldg": "", "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne",
                 "northwest": "nw", "southeast": "se", "southwest": "sw", "circle": "cir", "terrace": "ter",
                 "square": "sq", "route": "rte", "rt": "rte", "freeway": "fwy", "expressway": "expy",
                 "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th"}  # fmt: skip
# Words after which the rest of the street line is a unit, not the street.
_UNIT = re.compile(r"\b(suite|ste|unit|room|rm|floor|fl|building|bldg|apt|p ?o box)\b.*$|#.*$")


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def name_words(name: str) -> tuple[str, ...]:
    text = _ascii(name).replace("&", " and ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text.replace("'", ""))
    words = [_NAME_WORDS.get(word, word) for word in text.split()]
    return tuple(word for word in words if word not in _STOP)


def normalise_name(name: str) -> str:
    return " ".join(name_words(name))


def normalise_street(street: str) -> str:
    """ "1912 Commerce Ave. NW, P.O. Box 2085" → "1912 commerce ave nw"."""
    text = _ascii(street).split(",")[0]
    text = re.sub(r"[.]", "", text)
    text = _UNIT.sub("", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    words = [_STREET_WORDS.get(word, word) for word in text.split()]
    return " ".join(word for word in words if word)


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
