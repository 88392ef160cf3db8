"""The journal's pages: private, no-store, nothing written or searched for in a URL,
working with plain forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from waypoint.journal.models import JournalEntry, JournalPreference
from waypoint.journal.tests.conftest import write

pytestmark = pytest.mark.django_db


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"]


def test_the_list_pages_the_newest_entries_first_in_a_fixed_number_of_queries(
    alice, alice_client, django_assert_max_num_queries
):
    for n in range(25):
        write(alice, f"entry number {n}", title=f"title {n}", written_on=dt.date(2025, 1, 1) + dt.timedelta(days=n))
    with django_assert_max_num_queries(12):
        response = alice_client.get(reverse("journal:index"))
    assert response.status_code == 200
    assert_no_store(response)
    body = response.content.decode()
    assert "title 24" in body
    assert "title 5" in body
    assert "title 4" not in body
    assert body.index("title 24") < body.index("title 23")
    older = alice_client.get(reverse("journal:index") + "?page=2").content.decode()
    assert "title 4" in older
    assert "title 0" in older


def test_it_asks_anonymous_people_to_sign_in(client):
    response = client.get(reverse("journal:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_writing_an_entry_saves_it_and_shows_it(alice, alice_client):
    response = alice_client.post(
        reverse("journal:entry_new"),
        {
            "title": "Evening",
            "text": "Walked by the river.",
            "mood": "4",
            "tags": "calm, river",
            "written_on": "2025-02-03",
        },
    )
    entry = JournalEntry.objects.get(user=alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:entry", kwargs={"entry_id": entry.pk})
    page = alice_client.get(response["Location"])
    assert_no_store(page)
    body = page.content.decode()
    assert "Walked by the river." in body
    assert "Evening" in body
    assert "Good" in body
    assert "calm" in body


def test_a_form_with_problems_is_shown_again_with_what_was_typed(alice_client):
    response = alice_client.post(
        reverse("journal:entry_new"), {"title": "Kept title", "text": "", "written_on": "2025-02-03"}
    )
    assert response.status_code == 400
    assert "Kept title" in response.content.decode()
    assert "Write something first" in response.content.decode()


def test_choosing_a_prompt_keeps_the_text_and_shows_its_questions(alice_client):
    response = alice_client.post(
        reverse("journal:entry_new"), {"prompt": "after_craving", "text": "Started typing", "written_on": "2025-02-03"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Started typing" in body
    assert "What was going on just before the urge came?" in body
    assert 'value="After a strong urge"' in body  # the prompt's title fills an empty title
    assert JournalEntry.objects.count() == 0


def test_prompts_are_in_spanish_on_spanish_pages(alice_client):
    response = alice_client.post("/es/journal/new/", {"prompt": "gratitude", "text": ""})
    body = response.content.decode()
    assert "¿Cuáles son tres cosas pequeñas que salieron bien hoy?" in body
    assert "Escribir" in body


def test_editing_changes_the_entry(alice, alice_client):
    entry = write(alice, "before", tags=["a"])
    url = reverse("journal:entry_edit", kwargs={"entry_id": entry.pk})
    form = alice_client.get(url)
    assert_no_store(form)
    assert "before" in form.content.decode()
    alice_client.post(url, {"text": "after", "tags": "b", "written_on": entry.written_on.isoformat()})
    entry.refresh_from_db()
    assert (entry.text, entry.tag_list) == ("after", ["b"])


def test_deleting_asks_first_then_deletes(alice, alice_client):
    entry = write(alice, "to go")
    url = reverse("journal:entry_delete", kwargs={"entry_id": entry.pk})
    confirm = alice_client.get(url)
    assert confirm.status_code == 200
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
    assert alice_client.post(url).status_code == 302
    assert not JournalEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("name", ["journal:entry", "journal:entry_edit", "journal:entry_delete"])
def test_another_persons_entry_is_not_found(alice, bob_client, name):
    entry = write(alice, "alice only")
    response = bob_client.get(reverse(name, kwargs={"entry_id": entry.pk}))
    assert response.status_code == 404
    assert "alice only" not in response.content.decode()
    assert bob_client.post(reverse("journal:entry_delete", kwargs={"entry_id": entry.pk})).status_code == 404
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_search_words_never_reach_a_url(alice, alice_client):
    write(alice, "the red kite over the field")
    write(alice, "nothing here")
    response = alice_client.post(reverse("journal:search"), {"q": "kite"})
    assert response.status_code == 303
    location = response["Location"]
    assert "kite" not in location
    assert location.startswith("/en/journal/search/")
    results = alice_client.get(location)
    assert_no_store(results)
    body = results.content.decode()
    assert "1 entry found." in body
    assert "red kite" in body
    assert "nothing here" not in body


def test_a_tag_button_searches_by_tag(alice, alice_client):
    write(alice, "one", tags=["Sunday"])
    write(alice, "two")
    location = alice_client.post(reverse("journal:search"), {"tag": "Sunday"})["Location"]
    assert "Sunday" not in location
    body = alice_client.get(location).content.decode()
    assert "1 entry with the tag “Sunday”." in body


def test_another_account_on_the_same_browser_cannot_open_the_search(alice, bob, alice_client):
    write(alice, "the red kite")
    location = alice_client.post(reverse("journal:search"), {"q": "kite"})["Location"]
    alice_client.force_login(bob)  # same browser (same stash cookie), another person
    response = alice_client.get(location)
    assert response.status_code == 404
    assert "red kite" not in response.content.decode()


def test_an_empty_search_goes_back_to_the_list(alice_client):
    response = alice_client.post(reverse("journal:search"), {"q": "  "})
    assert response["Location"] == reverse("journal:index")


def test_the_insights_choice_is_off_until_turned_on(alice, alice_client):
    assert not JournalPreference.objects.filter(user=alice).exists()
    alice_client.post(reverse("journal:sharing"), {"moods_for_insights": "on"})
    assert JournalPreference.objects.get(user=alice).moods_for_insights is True
    assert "checked" in alice_client.get(reverse("journal:index")).content.decode()
    alice_client.post(reverse("journal:sharing"), {})
    assert JournalPreference.objects.get(user=alice).moods_for_insights is False


def test_the_sharing_page_explains_the_choice_insights_links_to(alice, alice_client):
    page = alice_client.get(reverse("journal:sharing"))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "They never see what you write." in page.content.decode()
    response = alice_client.post(reverse("journal:sharing"), {"moods_for_insights": "on", "back": "sharing"})
    assert response["Location"] == reverse("journal:sharing")
    assert JournalPreference.objects.get(user=alice).moods_for_insights is True
