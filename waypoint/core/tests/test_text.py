"""The one accent folder and address normaliser (waypoint.core.text), and that the apps
use it instead of keeping their own copies."""

from __future__ import annotations

import re
from pathlib import Path

from waypoint.core.text import fold, fold_key, fold_words, normalise_address, normalise_street

ROOT = Path(__file__).resolve().parents[2]


def test_it_folds_case_and_accents_but_keeps_punctuation() -> None:
    assert fold("¿Desintoxicación?") == "¿desintoxicacion?"
    assert fold("STRASSE Straße") == "strasse strasse"
    assert fold(None) == ""


def test_it_splits_folded_words_on_punctuation() -> None:
    assert fold_words("Saint-Jérôme's Hall") == ["saint", "jerome", "s", "hall"]
    assert fold_key("  Clínica   de  SALUD!  ") == "clinica de salud"


def test_it_normalises_a_street_line() -> None:
    assert normalise_street("2227 Drake Ave., Suite 19") == "2227 drake ave"
    assert normalise_street("2227 Drake Avenue #19") == "2227 drake ave"
    assert normalise_street("1912 Commerce Ave. NW, P.O. Box 2085") == "1912 commerce ave nw"
    assert normalise_street("100 North Main Street, Floor 2") == "100 n main st"


def test_it_normalises_a_whole_address_without_its_country() -> None:
    one = normalise_address("123 Main Street, Anytown, CA 98765, USA")
    other = normalise_address("123 Main St., Anytown, CA 98765")
    assert one == other == "123 main st anytown ca 98765"
    # A Florida address keeps its state: "FL" only starts a unit on the street line.
    assert normalise_address("9 Ocean Drive, Miami, FL 33139") == "9 ocean dr miami fl 33139"


def test_no_app_keeps_its_own_accent_folding() -> None:
    """unicodedata's decomposition is used only in core/text.py (issue 17 item 12)."""
    offenders = []
    for path in (ROOT / "waypoint").rglob("*.py"):
        if "tests" in path.parts or (path.name == "text.py" and path.parent.name == "core"):
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"unicodedata\.(normalize|combining)", source):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
