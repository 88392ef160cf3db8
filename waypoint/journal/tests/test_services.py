"""Writing, changing and deleting entries; tags; dates in the person's own time zone; My data."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from waypoint.core import userdata
from waypoint.journal import services
from waypoint.journal.models import JournalEntry, JournalPreference
from waypoint.journal.tests.conftest import write
from waypoint.recovery.tests.conftest import make_profile

pytestmark = pytest.mark.django_db


def test_it_saves_an_entry_with_everything_optional_but_the_text(alice):
    entry = write(alice, "  Went for a walk.  ")
    assert (entry.text, entry.title, entry.mood, entry.tag_list) == ("Went for a walk.", None, None, [])


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("calm, Work ,  family  time,,", ["calm", "Work", "family time"]),
        (["Café", "cafe", "CAFÉ", " "], ["Café"]),
        (None, []),
    ],
)
def test_it_cleans_tags(given, kept):
    assert services.tags_clean(given) == kept


def test_it_refuses_too_many_or_too_long_tags():
    with pytest.raises(ValidationError):
        services.tags_clean([f"t{n}" for n in range(services.MAX_TAGS + 1)])
    with pytest.raises(ValidationError):
        services.tags_clean(["x" * (services.MAX_TAG + 1)])


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * (services.MAX_TEXT + 1)}, "text"),
        ({"text": "ok", "title": "t" * 201}, "title"),
        ({"text": "ok", "mood": 6}, "mood"),
        ({"text": "ok", "mood": 0}, "mood"),
    ],
)
def test_it_refuses_what_cannot_be_saved(alice, fields, where):
    with pytest.raises(ValidationError) as caught:
        services.entry_create(user=alice, **fields)
    assert where in caught.value.message_dict
    assert JournalEntry.objects.count() == 0


@time_machine.travel(dt.datetime(2026, 3, 10, 3, 30, tzinfo=dt.UTC), tick=False)
def test_the_date_is_the_persons_own_today(alice):
    # 03:30 UTC is still the 9th in Los Angeles.
    make_profile(alice, time_zone="America/Los_Angeles", days_ago=5)
    assert write(alice).written_on == dt.date(2026, 3, 9)
    with pytest.raises(ValidationError) as caught:
        write(alice, written_on=dt.date(2026, 3, 10))
    assert "written_on" in caught.value.message_dict
    assert write(alice, written_on=dt.date(2026, 3, 1)).written_on == dt.date(2026, 3, 1)


def test_it_updates_and_deletes_only_the_persons_own_entry(alice, bob):
    entry = write(alice, "first", tags=["a"], mood=3)
    services.entry_update(user=alice, entry=entry, text="second", title="T", mood=None, tags="b, c")
    fresh = JournalEntry.objects.get(pk=entry.pk)
    assert (fresh.text, fresh.title, fresh.mood, fresh.tag_list) == ("second", "T", None, ["b", "c"])
    with pytest.raises(ValueError, match="own entries"):
        services.entry_update(user=bob, entry=fresh, text="bob was here")
    with pytest.raises(ValueError, match="own entries"):
        services.entry_delete(user=bob, entry=fresh)
    services.entry_delete(user=alice, entry=fresh)
    assert not JournalEntry.objects.filter(pk=entry.pk).exists()


def test_my_data_exports_the_entries_decrypted_and_deletes_them(alice, bob):
    write(alice, "mine", title="A", tags=["x"], mood=4, written_on=dt.date(2025, 1, 2))
    write(bob, "bob's")
    services.journal_preference_set(user=alice, moods_for_insights=True)
    provider = next(p for p in userdata.providers() if p.key == "journal.entries")
    exported = provider.export(alice)
    assert exported["moods_for_insights"] is True
    assert [(e["date"], e["title"], e["text"], e["tags"], e["mood"]) for e in exported["entries"]] == [
        ("2025-01-02", "A", "mine", ["x"], 4)
    ]
    assert provider.remove(alice) == 2
    assert not JournalEntry.objects.filter(user=alice).exists()
    assert not JournalPreference.objects.filter(user=alice).exists()
    assert JournalEntry.objects.filter(user=bob).count() == 1
