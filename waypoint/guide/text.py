"""Text normalisation shared by the loader and the search: lower case, no accents."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """'¿Desintoxicación?' -> 'desintoxicacion' (accent-insensitive search in Spanish)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Folded words of `text`, punctuation dropped."""
    return [w for w in _NON_WORD.sub(" ", fold(text)).replace("_", " ").split() if w]
