"""Search within one's own entries, and the moods insights may read with consent."""

from __future__ import annotations

import datetime as dt

import pytest

from waypoint.journal import search, selectors, services
from waypoint.journal.tests.conftest import write

pytestmark = pytest.mark.django_db


def found(user, query="", tag=""):
    return [hit.entry.text for hit in selectors.journal_search(user=user, query=query, tag=tag)]


def test_every_word_must_appear_in_the_title_text_or_tags(alice):
    write(alice, "Walked by the river after work.", title="Evening")
    write(alice, "The river was loud.", tags=["calm"])
    write(alice, "Nothing about water.")
    assert found(alice, "river") == ["The river was loud.", "Walked by the river after work."]
    assert found(alice, "river evening") == ["Walked by the river after work."]
    assert found(alice, "river calm") == ["The river was loud."]
    assert found(alice, "river desert") == []


def test_case_and_accents_do_not_matter(alice):
    write(alice, "Hoy fui al Café de la esquina con mi hermana.")
    assert found(alice, "cafe HERMANA") == ["Hoy fui al Café de la esquina con mi hermana."]
    assert found(alice, "café") == found(alice, "CAFE")


def test_a_tag_filter_finds_only_entries_with_that_tag(alice):
    write(alice, "one", tags=["Meeting notes"])
    write(alice, "two", tags=["meeting NOTES", "calm"])
    write(alice, "three meeting notes")
    assert sorted(found(alice, tag="meeting notes")) == ["one", "two"]
    assert found(alice, "two", tag="meeting notes") == ["two"]


def test_it_searches_only_the_persons_own_entries(alice, bob):
    write(alice, "alice and the lighthouse")
    write(bob, "bob and the lighthouse")
    assert found(alice, "lighthouse") == ["alice and the lighthouse"]
    assert found(bob, "lighthouse") == ["bob and the lighthouse"]


def test_an_empty_search_finds_nothing(alice):
    write(alice, "anything")
    assert found(alice, "   ") == []


def test_a_search_costs_the_same_queries_for_any_number_of_entries(alice, django_assert_max_num_queries):
    for n in range(40):
        write(alice, f"entry {n} lantern", title=f"t{n}", tags=["a"])
    with django_assert_max_num_queries(2):  # the rows and the data key
        assert len(selectors.journal_search(user=alice, query="lantern")) == 40


def test_a_snippet_shows_the_words_around_the_first_match():
    text = "x " * 200 + "the lantern by the door" + " y" * 200
    piece = search.snippet(text, search.terms_of("lantern"))
    assert "lantern" in piece
    assert piece.startswith("…")
    assert piece.endswith("…")
    assert len(piece) <= search.SNIPPET_CHARS + 2


def test_tags_used_lists_each_tag_once(alice):
    write(alice, "a", tags=["Calm", "work"])
    write(alice, "b", tags=["calm", "Family"])
    assert selectors.tags_used(user=alice) == ["calm", "Family", "work"]


# --- Insights' contract ----------------------------------------------------------------------


def test_moods_reach_insights_only_when_the_person_opts_in(alice, bob):
    write(alice, "morning", mood=2, written_on=dt.date(2025, 5, 1))
    write(alice, "evening", mood=4, written_on=dt.date(2025, 5, 1))
    write(alice, "no mood", written_on=dt.date(2025, 5, 2))
    write(alice, "later", mood=3, written_on=dt.date(2025, 5, 3))
    write(bob, "bob", mood=5, written_on=dt.date(2025, 5, 1))
    assert selectors.journal_moods_for_insights(user=alice) == []
    services.journal_preference_set(user=alice, moods_for_insights=True)
    # The newest entry of a day gives its mood; days without a mood are absent.
    assert selectors.journal_moods_for_insights(user=alice) == [(dt.date(2025, 5, 1), 4), (dt.date(2025, 5, 3), 3)]
    assert selectors.journal_moods(user=alice, start=dt.date(2025, 5, 2), end=dt.date(2025, 5, 3)) == {
        dt.date(2025, 5, 3): 3
    }
    assert selectors.journal_moods_for_insights(user=bob) == []
    services.journal_preference_set(user=alice, moods_for_insights=False)
    assert selectors.journal_moods_for_insights(user=alice) == []


def test_insights_reads_journal_moods_through_its_source(alice):
    from waypoint.insights import sources

    write(alice, "x", mood=1, written_on=dt.date(2025, 6, 1))
    services.journal_preference_set(user=alice, moods_for_insights=True)
    assert sources.journal_moods(user=alice, start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30)) == {
        dt.date(2025, 6, 1): 1
    }
