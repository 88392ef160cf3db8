"""Every user-facing string is marked for translation and the Spanish catalogues are
complete: for each app, the messages `makemessages` extracts today must all be in the
app's Spanish catalogue, translated and not fuzzy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from waypoint.core.testing import skip_or_fail

ROOT = Path(__file__).resolve().parents[3]
APPS = sorted(p.parent for p in (ROOT / "waypoint").glob("*/apps.py"))


def _catalogue(path: Path) -> dict[str, object]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}


def _has_strings(app: Path) -> bool:
    for file in [*app.glob("**/*.py"), *app.glob("**/templates/**/*.html")]:
        if "tests" in file.parts or "migrations" in file.parts:
            continue
        text = file.read_text(encoding="utf-8")
        if "translate" in text or "gettext" in text or "_(" in text:
            return True
    return False


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_it_has_a_complete_spanish_catalogue(app):
    if not _has_strings(app):
        pytest.skip(f"{app.name} has no user-facing strings yet")
    po = app / "locale" / "es" / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"{app.name} has no Spanish catalogue at {po.relative_to(ROOT)}"
    problems = []
    for msgid, message in _catalogue(po).items():
        if getattr(message, "fuzzy", False):
            problems.append(f"fuzzy: {msgid!r}")
        string = message.string
        if not string or (isinstance(string, tuple) and not all(string)):
            problems.append(f"untranslated: {msgid!r}")
    assert problems == [], f"{app.name}: " + "; ".join(problems[:20])


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_it_has_every_current_string_in_the_catalogue(app, tmp_path):
    if not _has_strings(app):
        pytest.skip(f"{app.name} has no user-facing strings yet")
    if not shutil.which("xgettext"):
        skip_or_fail("GNU gettext (xgettext) is needed to extract messages")
    copy = tmp_path / app.name
    # -P below: the copy's own selectors.py must not hide Python's `selectors` module.
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("locale", "tests", "__pycache__", "migrations"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "es", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "waypoint.settings",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "true",
            "PATH": "/usr/bin:/bin",
        },
    )
    extracted = set(_catalogue(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    existing = set(_catalogue(app / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    missing = sorted(extracted - existing)
    assert missing == [], f"{app.name}: strings missing from the Spanish catalogue (run makemessages): {missing[:10]}"
