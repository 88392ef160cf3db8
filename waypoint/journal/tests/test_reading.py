"""Opening many entries at once: one key look-up, the same answer as the field itself."""

from __future__ import annotations

import pytest

from waypoint.core import crypto
from waypoint.journal.models import JournalEntry
from waypoint.journal.reading import open_entries
from waypoint.journal.tests.conftest import write

pytestmark = pytest.mark.django_db


def test_it_opens_entries_exactly_as_the_field_does(alice):
    for n in range(5):
        write(alice, f"text {n} ünïcode", title=f"title {n}" if n % 2 else None, tags=[f"t{n}"] if n % 3 else None)
    bulk = {e.pk: (e.title, e.text, e.tags) for e in open_entries(JournalEntry.objects.filter(user=alice), user=alice)}
    one_by_one = {e.pk: (e.title, e.text, e.tags) for e in JournalEntry.objects.filter(user=alice)}
    assert bulk == one_by_one
    assert len(bulk) == 5


def test_it_looks_the_key_up_once_for_any_number_of_entries(alice, django_assert_max_num_queries):
    for n in range(30):
        write(alice, f"entry {n}", title=f"title {n}", tags=["x"])
    rows = list(JournalEntry.objects.filter(user=alice))
    crypto.forget_cached_keys()
    with django_assert_max_num_queries(1):  # the person's data key, once
        open_entries(rows, user=alice)
    assert all(isinstance(e.__dict__["text"], str) and not e.__dict__["text"].startswith("wp1:") for e in rows)


def test_it_refuses_another_persons_entries(alice, bob):
    write(bob, "bob's words")
    with pytest.raises(ValueError, match="own entries"):
        open_entries(JournalEntry.objects.filter(user=bob), user=alice)
