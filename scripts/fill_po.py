"""Fills a .po catalogue from a Python dict of translations (a maintainer's tool).

Usage: python scripts/fill_po.py PO_FILE TRANSLATIONS_PY   (a file defining ES = {msgid: msgstr})
Entries already translated are kept; the ones it fills lose any fuzzy flag.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(po_path: str, translations_path: str) -> int:
    translations = runpy.run_path(translations_path)["ES"]
    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    catalog.fuzzy = False
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(key)
    with open(po_path, "wb") as handle:
        write_po(handle, catalog, width=100)
    # Babel drops these two headers; gettext (and Django) want them for Spanish.
    text = Path(po_path).read_text(encoding="utf-8")
    if "Plural-Forms:" not in text:
        text = text.replace(
            '"Content-Type:', '"Language: es\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n"Content-Type:', 1
        )
        with open(po_path, "w", encoding="utf-8") as handle:
            handle.write(text)
    for key in missing:
        print("untranslated:", key)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
