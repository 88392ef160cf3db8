"""Groups in Chromium through uvicorn (issue 12): two people chat live, one goes offline and
comes back to everything they missed; the no-JavaScript forms; Spanish; the facilitator's
pages. axe and the foreign-request check run on every page load (root conftest)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from waypoint.core.tests.personas import PASSWORD, UserFactory
from waypoint.groups import messaging, moderation
from waypoint.groups.models import Message
from waypoint.groups.tests.helpers import make_group, post

pytestmark = pytest.mark.browser

PAGE_BUDGET = 60 * 1024


@pytest.fixture
def second_visit(transactional_db: Any, asgi_server: str, browser: Any) -> Iterator[Any]:
    """Another person's browser (its own context: cookies, cache, network), checked like the first."""
    import conftest

    context, visit = conftest._open_visit(browser, asgi_server, javascript=True)
    yield visit
    try:
        visit.finish()
    finally:
        context.close()


def in_thread(function: Any, **kwargs: Any) -> Any:
    """Runs a service outside the test's thread, where Playwright's event loop runs: the
    service's events go to the channel layer through async_to_sync, as in a server."""
    from django.db import connection

    result: list[Any] = []

    def run() -> None:
        try:
            result.append(function(**kwargs))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert result, "the service failed (see the log)"
    return result[0]


def sign_in(visit: Any, username: str, *, language: str = "en") -> None:
    page = visit.page
    visit.goto(f"/{language}/account/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"**/{language}/account/")


def chat_texts(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("[data-chat-list] > li .msg-text").all_inner_texts()]


def wait_live(page: Any) -> None:
    page.wait_for_function("() => document.getElementById('chat-status').textContent.startsWith('Live')")


def send(page: Any, text: str) -> None:
    page.locator("#id_text").fill(text)
    page.get_by_test_id("send").click()


def test_two_people_chat_live_and_the_one_who_was_offline_gets_what_they_missed(browser_visit, second_visit):
    alice, dana = UserFactory(username="alice"), UserFactory(username="dana")
    lead = make_group(alice, dana)
    post(alice, lead.group_id, "Welcome, everyone")
    room = f"/en/groups/{lead.group_id}/"
    a, b = browser_visit, second_visit
    console: list[str] = []
    for visit in (a, b):
        visit.page.on("console", lambda message: console.append(message.text))
    sign_in(a, "alice")
    sign_in(b, "dana")
    assert a.measure_first_load(room) <= PAGE_BUDGET  # first load with the chat script
    b.goto(room)
    wait_live(a.page)
    wait_live(b.page)

    send(a.page, "How is everyone tonight?")
    b.page.get_by_text("How is everyone tonight?").wait_for()
    assert a.page.locator("#id_text").input_value() == ""
    send(b.page, "Hanging in there")
    a.page.get_by_text("Hanging in there").wait_for()

    # Dana's phone loses its connection; the group goes on without her.
    b.page.context.set_offline(True)
    b.page.wait_for_function("() => !document.getElementById('chat-status').textContent.startsWith('Live')")
    send(a.page, "Missed message one")
    send(a.page, "Missed message two")
    a.page.get_by_text("Missed message two").wait_for()
    assert "Missed message one" not in chat_texts(b.page)
    # What she writes while offline waits, and goes out once she is back.
    send(b.page, "Written on the bus")
    assert Message.objects.filter(text__isnull=False, kind="text").count() == 5
    b.page.context.set_offline(False)
    wait_live(b.page)
    b.page.get_by_text("Missed message two").wait_for()
    a.page.get_by_text("Written on the bus").wait_for()

    expected = [
        "Welcome, everyone",
        "How is everyone tonight?",
        "Hanging in there",
        "Missed message one",
        "Missed message two",
        "Written on the bus",
    ]
    b.page.get_by_text("Written on the bus").wait_for()
    for page in (a.page, b.page):
        # Every message exactly once, in order, in both browsers.
        assert chat_texts(page) == expected
    seqs = [int(s) for s in b.page.locator("[data-chat-list] > li").evaluate_all("els => els.map(e => e.dataset.seq)")]
    assert seqs == sorted(seqs)
    assert len(seqs) == len(set(seqs))

    # An encouragement reaches the other browser live.
    item = a.page.locator("[data-chat-list] > li", has_text="Written on the bus")
    item.locator("[data-reaction=heart]").click()
    other = b.page.locator("[data-chat-list] > li", has_text="Written on the bus")
    other.locator("[data-reaction=heart] .reaction-count", has_text="1").wait_for()
    # A deletion too: the text disappears everywhere.
    message = next(m for m in Message.objects.filter(kind="text") if m.text == "Hanging in there")
    in_thread(messaging.message_delete, user=dana, group_id=lead.group_id, message_id=message.pk)
    a.page.locator(f"#m{message.seq} .msg-gone").wait_for()
    assert "Hanging in there" not in chat_texts(a.page)
    a.assert_axe_clean()
    assert [line for line in console if "Content Security Policy" in line] == []


def test_a_removed_member_is_shown_the_door_at_once(browser_visit):
    alice, dana = UserFactory(username="alice"), UserFactory(username="dana")
    lead = make_group(alice, dana)
    sign_in(browser_visit, "dana")
    browser_visit.goto(f"/en/groups/{lead.group_id}/")
    wait_live(browser_visit.page)
    member = dana.group_memberships.get()
    with browser_visit.page.expect_navigation():
        in_thread(moderation.member_remove, user=alice, group_id=lead.group_id, member_id=member.pk)
    # The socket closed with 4404 and the page reloaded: the group is gone for her.
    assert "Tuesday circle" not in browser_visit.page.content()


def test_the_group_works_with_javascript_off(browser_visit_nojs):
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    alice, dana = UserFactory(username="alice"), UserFactory(username="dana")
    lead = make_group(alice, dana)
    post(alice, lead.group_id, "Hi Dana, glad you're here")
    room = f"/en/groups/{lead.group_id}/"
    sign_in(visit, "dana")
    assert visit.measure_first_load(room) <= PAGE_BUDGET
    page.locator("#id_text").fill("Thanks. Day 2 for me.")
    page.get_by_test_id("send").click()
    page.wait_for_url(re.compile(rf".*/groups/{lead.group_id}/#m\d+$"))
    assert "Thanks. Day 2 for me." in chat_texts(page)
    # An encouragement, by plain form.
    item = page.locator("[data-chat-list] > li", has_text="glad you're here")
    item.locator("[data-reaction=strong]").click()
    page.wait_for_load_state()
    assert (
        page.locator("[data-chat-list] > li", has_text="glad you're here")
        .locator("[data-reaction=strong]")
        .get_attribute("aria-pressed")
        == "true"
    )
    # Edit one's own message on its own page.
    page.locator("[data-chat-list] > li", has_text="Day 2").get_by_role("link", name="Options").click()
    page.locator("#id_text").fill("Thanks. Day 2 for me, and it's okay.")
    page.get_by_role("button", name="Save the change").click()
    page.wait_for_url(re.compile(r".*#m\d+$"))
    assert "Thanks. Day 2 for me, and it's okay." in chat_texts(page)
    # "I'm struggling": the group is told, then her own page with the crisis lines.
    page.get_by_test_id("struggling").click()
    page.wait_for_url("**/en/recovery/struggling/")
    assert page.locator("[data-testid=emergency-call]").count() == 1
    assert Message.objects.filter(group_id=lead.group_id, kind="struggling").count() == 1
    for path in ("board/", "me/", "agreement/", "leave/"):
        visit.goto(room + path)
        visit.settle()


def test_the_facilitators_pages_and_the_spanish_group(browser_visit_nojs):
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    alice, dana = UserFactory(username="alice"), UserFactory(username="dana")
    lead = make_group(alice, dana)
    reported = post(dana, lead.group_id, "This is a test of the report button")
    moderation.report_create(user=alice, group_id=lead.group_id, message_id=reported.pk, reason="other")
    messaging.message_post(user=dana, group_id=lead.group_id, text="hmu for anything")
    sign_in(visit, "alice")
    base = f"/en/groups/{lead.group_id}/"
    visit.goto("/en/groups/")
    visit.settle()
    visit.goto(base + "manage/")
    page.get_by_role("button", name="Make an invite").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("invite-code").count() == 2  # the one make_group used, and the new one
    visit.goto(base + "moderation/")
    visit.settle()
    assert page.get_by_test_id("reported").count() == 1
    assert page.get_by_test_id("held").count() == 1
    page.get_by_role("button", name="Post it", exact=True).click()
    page.wait_for_load_state()
    visit.goto(base + "moderation/log/")
    visit.settle()
    assert "Posted a held message" in page.content()
    spanish = base.replace("/en/", "/es/", 1)
    visit.goto(spanish)
    visit.settle()
    assert page.get_by_test_id("send").inner_text() == "Enviar"
    assert page.locator("html").get_attribute("lang") == "es"
    visit.goto(spanish + "board/")
    visit.settle()
    visit.goto("/es/groups/")
