"""The held-words list: a data file a deployment can replace (GROUPS_HELD_WORDS_FILE)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from waypoint.groups import heldwords

NOW = timezone.now()
NEW = NOW - timedelta(days=1)
SETTLED = NOW - timedelta(days=30)


@pytest.mark.parametrize(
    ("text", "joined", "rule"),
    [
        ("my plug has some", SETTLED, "sourcing"),
        ("HMU tonight", SETTLED, "sourcing"),
        ("¿Quién vende por aquí?", SETTLED, "sourcing"),  # accents and case do not matter
        ("quien   vende", SETTLED, "sourcing"),
        ("I unplugged the TV", SETTLED, None),  # whole words only
        ("I used dope for ten years", SETTLED, None),  # talking about use belongs in the group
        ("text me at 302-555-0142", NEW, "contact_details"),
        ("text me at 302-555-0142", SETTLED, None),  # only in a member's first week
        ("write to sam@example.org", NEW, "contact_details"),
        ("clean since 2024-05-02", NEW, None),  # a date is not a phone number
        ("day 1000!", NEW, None),
    ],
)
def test_the_built_in_list_holds_arranging_not_talking(text, joined, rule):
    found = heldwords.match(text, joined_at=joined, now=NOW)
    assert (found.name if found else None) == rule


def test_a_deployment_replaces_the_list_and_edits_apply_without_a_restart(tmp_path, settings):
    path = tmp_path / "held.yaml"
    path.write_text("rules:\n  - name: local\n    label: {en: Local slang, es: Jerga local}\n    terms: [blue boys]\n")
    settings.GROUPS_HELD_WORDS_FILE = str(path)
    assert heldwords.match("any blue boys around", joined_at=SETTLED).name == "local"
    assert heldwords.match("my plug", joined_at=SETTLED) is None  # the built-in list is replaced
    path.write_text("rules:\n  - name: other\n    terms: [purple]\n")
    import os

    os.utime(path, (NOW.timestamp() + 5, NOW.timestamp() + 5))
    assert heldwords.match("any blue boys around", joined_at=SETTLED) is None
    assert heldwords.match("purple", joined_at=SETTLED).name == "other"


@pytest.mark.parametrize(
    "content",
    [
        "just words",
        "rules:\n  - terms: [x]\n",
        "rules:\n  - name: a\n",
        "rules:\n  - name: a\n    patterns: [fax]\n",
        "rules:\n  - name: a\n    terms: [x]\n    new_member_days: -1\n",
        "rules: [",
    ],
)
def test_a_broken_list_is_refused_with_its_reason(tmp_path, content):
    path = tmp_path / "held.yaml"
    path.write_text(content)
    with pytest.raises(ImproperlyConfigured, match=r"held\.yaml"):
        heldwords.load(path)


def test_a_broken_list_stops_start_up(tmp_path, settings):
    path = tmp_path / "held.yaml"
    path.write_text("rules: nope\n")
    settings.GROUPS_HELD_WORDS_FILE = str(path)
    assert "groups.E001" in [error.id for error in run_checks()]
    settings.GROUPS_HELD_WORDS_FILE = ""
    assert "groups.E001" not in [error.id for error in run_checks()]


def test_labels_follow_the_language():
    from django.utils import translation

    with translation.override("es"):
        assert heldwords.rule_label("sourcing").startswith("Palabras")
    assert heldwords.rule_label("sourcing").startswith("Words")
    assert heldwords.rule_label("gone-rule") == "gone-rule"
