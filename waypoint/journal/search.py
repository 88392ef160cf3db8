"""Matching words against one person's decrypted entries (pure functions).

Words are folded (case and accents: "cafe" finds "Café"), and every word of the search
must appear somewhere in the entry — its title, text or tags. Nothing here touches the
database or keeps any text.
"""

from __future__ import annotations

from waypoint.core.text import fold

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
SNIPPET_CHARS = 160


def terms_of(query: str) -> list[str]:
    """The distinct folded words of a search, at most MAX_TERMS."""
    words = fold(query[:MAX_QUERY_CHARS]).split()
    return list(dict.fromkeys(words))[:MAX_TERMS]


def haystack(*, title: str | None, text: str | None, tags: list[str]) -> str:
    return fold("\n".join([title or "", text or "", " ".join(tags)]))


def matches(folded: str, terms: list[str]) -> bool:
    return all(term in folded for term in terms)


def snippet(text: str, terms: list[str], *, width: int = SNIPPET_CHARS) -> str:
    """A short piece of `text` around the first word found (the start when none is).
    Folding keeps lengths for most text; when it does not, the start is shown."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    folded = fold(text)
    start = 0
    if len(folded) == len(text):
        hits = [folded.find(term) for term in terms if term and folded.find(term) >= 0]
        if hits:
            start = max(0, min(hits) - width // 3)
    piece = text[start : start + width].strip()
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
