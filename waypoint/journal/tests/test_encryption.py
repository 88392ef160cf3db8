"""The database holds no journal plaintext — titles, texts and tags included — and a wrong
or missing key fails loudly, never with garbage."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.db import connection

from waypoint.core import crypto
from waypoint.core.models import DataKey
from waypoint.journal.models import JournalEntry
from waypoint.journal.reading import open_entries
from waypoint.journal.tests.conftest import write

pytestmark = pytest.mark.django_db

WORDS = {
    "title": "Harbour-lights-title",
    "text": "I told Marisol about the blue house and the craving passed.",
    "tag": "after-the-blue-house",
}


def raw_row(pk: int) -> dict[str, object]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM journal_journalentry WHERE id = %s", [pk])
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_the_raw_table_holds_no_title_text_or_tag(alice):
    entry = write(alice, WORDS["text"], title=WORDS["title"], tags=[WORDS["tag"], "Marisol"], mood=2)
    row = raw_row(entry.pk)
    for column in ("title", "text", "tags"):
        assert str(row[column]).startswith("wp1:"), f"{column} is not a token"
    everything = " ".join(str(value) for value in row.values())
    for secret in (*WORDS.values(), "Marisol", "blue house", "craving"):
        assert secret not in everything
    # Read back through the model, the words are there again.
    fresh = JournalEntry.objects.get(pk=entry.pk)
    assert (fresh.title, fresh.text, fresh.tag_list) == (WORDS["title"], WORDS["text"], [WORDS["tag"], "Marisol"])


def test_an_entry_without_title_or_tags_stores_nothing_for_them(alice):
    entry = write(alice, "Only text.")
    row = raw_row(entry.pk)
    assert row["title"] is None
    assert row["tags"] is None


def test_a_wrong_master_key_fails_loudly(alice, settings):
    entry = write(alice, WORDS["text"], title=WORDS["title"])
    settings.ENCRYPTION_KEYS = [crypto.generate_key_text()]
    crypto.forget_cached_keys()
    with pytest.raises(crypto.DecryptionError, match="not in ENCRYPTION_KEYS"):
        _ = JournalEntry.objects.get(pk=entry.pk).text
    with pytest.raises(crypto.DecryptionError):
        open_entries(JournalEntry.objects.filter(pk=entry.pk), user=alice)
    # And the deployment refuses to start that way (waypoint.E006).
    assert "waypoint.E006" in [error.id for error in run_checks(databases=["default"])]


def test_a_missing_data_key_fails_loudly(alice):
    entry = write(alice, WORDS["text"])
    DataKey.objects.filter(user=alice).delete()
    crypto.forget_cached_keys()
    with pytest.raises(crypto.DecryptionError):
        open_entries(JournalEntry.objects.filter(pk=entry.pk), user=alice)
    # The field itself would make a new key for her — which cannot open the old text either.
    with pytest.raises(crypto.DecryptionError):
        _ = JournalEntry.objects.get(pk=entry.pk).text


def test_a_ciphertext_moved_to_another_entry_does_not_open(alice):
    first = write(alice, WORDS["text"])
    second = write(alice, "Something else.")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE journal_journalentry SET text = %s WHERE id = %s", [raw_row(first.pk)["text"], second.pk]
        )
    with pytest.raises(crypto.DecryptionError):
        open_entries(JournalEntry.objects.filter(pk=second.pk), user=alice)


def test_update_never_writes_clear_text(alice):
    write(alice)
    with pytest.raises(ValueError, match=r"written through model\.save"):
        JournalEntry.objects.filter(user=alice).update(text="in clear")
