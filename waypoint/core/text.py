"""Folding text for comparison and search: the one place that removes accents and
normalises addresses (the guide's search, the directory's merge, the meeting finder's
duplicate keys and place names all use it, so two spellings compare the same everywhere).

Nothing here is for display: folded text is lower case, without accents, and street
words are abbreviated ("Avenue" → "ave").
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")

# One list of street words, in their USPS abbreviations (Publication 28, appendix C).
STREET_WORDS = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr",
    "lane": "ln", "court": "ct", "place": "pl", "parkway": "pkwy", "highway": "hwy", "hiway": "hwy",
    "circle": "cir", "terrace": "ter", "square": "sq", "route": "rte", "rt": "rte", "freeway": "fwy",
    "expressway": "expy", "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne",
    "northwest": "nw", "southeast": "se", "southwest": "sw", "first": "1st", "second": "2nd",
    "third": "3rd", "fourth": "4th", "fifth": "5th",
}  # fmt: skip
# Words that start the unit part of a street line ("Suite 220", "Floor 2", "# 4", "PO Box 9").
_UNIT = re.compile(r"\b(?:suite|ste|unit|room|rm|floor|fl|building|bldg|apt|p ?o box)\b.*$|#.*$")
# Country names at the end of an address say nothing two addresses could differ by here.
_COUNTRY = re.compile(r"\b(?:usa|united states(?: of america)?|us)\b")


def fold(text: str | None) -> str:
    """'¿Desintoxicación?' → '¿desintoxicacion?': case-folded, accents removed,
    punctuation kept."""
    text = (text or "").casefold()
    if text.isascii():
        return text  # most names and addresses: nothing to decompose (and 10× faster)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_words(text: str | None) -> list[str]:
    """The folded words of `text`, punctuation dropped: "Saint-Jérôme's Hall" →
    ["saint", "jerome", "s", "hall"]."""
    return _NON_WORD.sub(" ", fold(text)).split()


def fold_key(text: str | None) -> str:
    """One string for comparing names: folded words joined by single spaces."""
    return " ".join(fold_words(text))


def normalise_street(street: str | None) -> str:
    """The street line of an address, for comparison: only the part before the first
    comma, without the unit, words abbreviated. "1912 Commerce Avenue N.W., Suite 3" →
    "1912 commerce ave nw"."""
    text = fold(street).split(",")[0].replace(".", "")
    text = _UNIT.sub("", text)
    return " ".join(STREET_WORDS.get(word, word) for word in _NON_WORD.sub(" ", text).split())


def normalise_address(address: str | None) -> str:
    """A whole one-line address, for comparison: the street as `normalise_street`, then
    the other parts' words (city, state, postal code) with the country left out.
    "123 Main Street, Anytown, CA 98765, USA" → "123 main st anytown ca 98765"."""
    street, _sep, rest = (address or "").partition(",")
    others = _COUNTRY.sub(" ", fold(rest).replace(".", ""))
    words = [STREET_WORDS.get(word, word) for word in _NON_WORD.sub(" ", others).split()]
    return " ".join([normalise_street(street), *words]).strip()
