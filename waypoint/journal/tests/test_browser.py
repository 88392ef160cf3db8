"""The journal in a real browser with JavaScript off: write with a prompt, read, search
(the words never reach the address bar), delete. Light and accessible (axe runs on every
page load, root conftest)."""

from __future__ import annotations

import pytest

from waypoint.core.tests.personas import PASSWORD, UserFactory
from waypoint.journal.models import JournalEntry

pytestmark = pytest.mark.browser
PAGE_BUDGET_BYTES = 60 * 1024


def sign_in(visit, username: str) -> None:
    page = visit.page
    visit.goto("/en/account/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/en/account/")


def test_write_read_search_and_delete_without_javascript(browser_visit_nojs):
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    user = UserFactory(username="ink_sparrow")
    sign_in(visit, "ink_sparrow")
    assert visit.measure_first_load("/en/journal/") <= PAGE_BUDGET_BYTES
    page.get_by_test_id("journal-write").click()
    page.wait_for_url("**/en/journal/new/")
    page.get_by_label("What is on your mind?").fill("The kettle sang and I did not call him.")
    page.get_by_test_id("prompt-gratitude").click()  # a prompt keeps what was typed
    assert "What are three small things that went well today?" in page.get_by_test_id("prompt").inner_text()
    assert page.get_by_label("What is on your mind?").input_value() == "The kettle sang and I did not call him."
    page.get_by_text("Good", exact=True).click()
    page.get_by_label("Tags (optional)").fill("kitchen, evening")
    page.get_by_test_id("entry-save").click()
    page.wait_for_url("**/en/journal/*/")
    assert "The kettle sang" in page.get_by_test_id("entry-text").inner_text()
    entry = JournalEntry.objects.get(user=user)
    assert (entry.title, entry.mood, entry.tag_list) == ("Something good", 4, ["kitchen", "evening"])
    visit.goto("/en/journal/")
    page.get_by_label("Search my journal").fill("kettle")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/en/journal/search/*/")
    assert "kettle" not in page.url
    assert page.get_by_test_id("search-count").inner_text() == "1 entry found."
    page.get_by_role("link", name="Something good").click()
    page.get_by_role("link", name="Delete").click()
    page.get_by_test_id("delete-confirm").click()
    page.wait_for_url("**/en/journal/")
    assert not JournalEntry.objects.filter(user=user).exists()
    assert visit.foreign_requests() == []
