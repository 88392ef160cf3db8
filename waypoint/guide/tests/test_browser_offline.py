"""The installable, offline companion in a real browser with the network cut (Playwright's
``context.set_offline``): the today page, the plan, "I'm struggling" with the breathing
exercise and the check-in work offline for the signed-in person; a check-in made offline
reaches the server once when the connection returns; nothing personal stays after
sign-out, after the session's end, or for the next person; discreet mode holds offline.
axe and the foreign-request check run on every page load (root conftest)."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db.utils import OperationalError
from playwright.sync_api import expect

from waypoint.core.tests.personas import PASSWORD, UserFactory
from waypoint.guide.tests.test_browser import _wait_for_service_worker
from waypoint.recovery import services
from waypoint.recovery.models import Checkin
from waypoint.recovery.plan import PlanContent
from waypoint.recovery.tests.conftest import make_profile

pytestmark = pytest.mark.browser
REASON = "otter-reason-my-daughter-Lu"

PERSONAL_CACHES = """() => caches.keys().then(keys => Promise.all(
    keys.filter(k => k.startsWith("waypoint-person-")).map(k => caches.open(k).then(c => c.keys()).then(rs => [k, rs.map(r => new URL(r.url).pathname)]))))"""


def sign_in(visit, username: str) -> None:
    page = visit.page
    visit.goto("/en/account/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/en/account/")


def person(username: str):
    user = UserFactory(username=username)
    make_profile(user, days_ago=12)
    services.plan_save(user=user, content=PlanContent(reasons=[REASON], crisis_steps=["Call Mo"]), changed="reasons")
    return user


def personal_caches(page) -> dict[str, list[str]]:
    return dict(page.evaluate(PERSONAL_CACHES))


def wait_until(page, check, *, seconds: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OperationalError as error:
            # SQLite's shared in-memory test database refuses a read, without waiting, while
            # the server's thread is writing that table (conftest.asgi_server): look again.
            if "locked" not in str(error):
                raise
        page.wait_for_timeout(200)
    raise AssertionError(f"timed out waiting for {what}")


def ready_offline(visit) -> None:
    """Today opened online; the worker controls the page and holds the person's pages."""
    page = visit.page
    visit.goto("/en/recovery/today/")
    _wait_for_service_worker(page)
    page.reload()  # a page the worker controls tells it whose pages to keep

    def stored() -> bool:
        return any(len(paths) >= 4 for paths in personal_caches(page).values())

    wait_until(page, stored, what="the person's pages to be stored")


def test_today_the_plan_and_im_struggling_open_offline(browser_visit):
    visit, page = browser_visit, browser_visit.page
    person("quiet_otter")
    sign_in(visit, "quiet_otter")
    ready_offline(visit)
    page.context.set_offline(True)
    try:
        visit.goto("/en/recovery/today/")
        assert page.locator("h1").first.inner_text().startswith("Today")
        expect(page.get_by_test_id("offline-note")).to_have_text("You are offline. This is a copy saved on this phone.")
        visit.goto("/en/recovery/plan/")
        assert REASON in page.locator("main").inner_text()
        visit.goto("/en/recovery/today/")
        page.get_by_test_id("struggling-button").click()  # a POST, with no connection
        page.wait_for_url("**/en/recovery/struggling/")
        assert page.locator("h1").inner_text() == "You are not alone. This will pass."
        assert page.get_by_test_id("crisis-call").count() == 1 or page.get_by_test_id("emergency-call").count() == 1
        page.get_by_test_id("breathe-link").click()
        page.wait_for_url("**/en/recovery/breathe/")
        assert page.locator("h1").inner_text() == "Ride the wave"
        visit.settle()
    finally:
        page.context.set_offline(False)
    assert visit.foreign_requests() == []


def test_a_check_in_made_offline_reaches_the_server_once_when_back_online(browser_visit):
    visit, page = browser_visit, browser_visit.page
    user = person("steady_wren")
    sign_in(visit, "steady_wren")
    ready_offline(visit)
    page.context.set_offline(True)
    try:
        visit.goto("/en/recovery/today/")
        page.locator("#id_mood").get_by_label("Good", exact=True).click()
        page.locator("#id_craving").get_by_label("2", exact=True).click()
        page.get_by_test_id("checkin-save").click()
        note = page.get_by_test_id("offline-note")
        expect(note).to_have_text("Saved on this phone. Your check-in will be sent when you are online.")
        expect(page.locator("[data-checkin-form]")).to_be_hidden()
        visit.settle()
        assert Checkin.objects.filter(user=user).count() == 0
    finally:
        page.context.set_offline(False)
    # Back online: the page (its "online" event) or Background Sync sends it.
    wait_until(page, lambda: Checkin.objects.filter(user=user).exists(), what="the check-in to arrive")
    page.reload()
    assert page.get_by_test_id("checked-in").is_visible()
    page.reload()  # and nothing is sent again
    visit.settle()
    page.wait_for_timeout(500)
    row = Checkin.objects.get(user=user)
    assert (row.mood, row.craving) == (4, 2)
    assert (
        page.evaluate("() => WaypointOffline.pending(document.querySelector('meta[name=waypoint-offline]').content)")
        == []
    )


def test_sign_out_clears_the_personal_cache(browser_visit):
    visit, page = browser_visit, browser_visit.page
    person("calm_heron")
    sign_in(visit, "calm_heron")
    ready_offline(visit)
    assert personal_caches(page)
    visit.goto("/en/account/")
    # A check-in still waiting on this phone goes with the sign-out too.
    key = page.evaluate("() => document.querySelector('meta[name=waypoint-offline]').content")
    waiting = {"client_id": str(uuid.uuid4()), "date": "2020-01-01", "mood": 3}
    page.evaluate("([k, body]) => WaypointOffline.queue(k, body, 'token')", [key, waiting])
    assert len(page.evaluate("k => WaypointOffline.pending(k)", key)) == 1
    page.locator("main form[action='/en/account/logout/'] button").click()
    page.wait_for_url("**/en/")
    wait_until(page, lambda: personal_caches(page) == {}, what="the personal cache to go")
    wait_until(page, lambda: page.evaluate("k => WaypointOffline.pending(k)", key) == [], what="the queue to go")
    page.context.set_offline(True)
    try:
        visit.goto("/en/recovery/today/")
        body = page.locator("main").inner_text()
        assert REASON not in body
        assert page.locator("h1").inner_text() == "Get help now"  # the public help page instead
        visit.goto("/en/recovery/plan/")
        assert REASON not in page.locator("main").inner_text()
        visit.settle()
    finally:
        page.context.set_offline(False)


def test_nothing_personal_is_shown_offline_after_the_session_ends(browser_visit):
    visit, page = browser_visit, browser_visit.page
    person("late_lark")
    sign_in(visit, "late_lark")
    ready_offline(visit)
    # The session's end passes while the phone is offline.
    page.evaluate(
        "() => WaypointOffline.getState('applied').then(s => WaypointOffline.setState(Object.assign(s, {until: 1}), 'applied'))"
    )
    page.context.set_offline(True)
    try:
        visit.goto("/en/recovery/plan/")
        assert REASON not in page.locator("main").inner_text()
        assert page.locator("h1").inner_text() == "Get help now"
        visit.settle()
    finally:
        page.context.set_offline(False)


def test_discreet_mode_holds_offline(browser_visit):
    visit, page = browser_visit, browser_visit.page
    person("hidden_fox")
    sign_in(visit, "hidden_fox")
    ready_offline(visit)
    page.get_by_role("button", name="Discreet mode: use a plain page title and icon").click()
    page.wait_for_url("**/en/recovery/today/")
    assert page.title() == "Notes"

    def stored_as_discreet(personal: bool, path: str) -> bool:
        # The person's pages are in their own cache, "Get help now" in the public one.
        return bool(
            page.evaluate(
                """([personal, path]) => caches.keys()
                   .then(keys => keys.filter(k => k.startsWith("waypoint-") && k.startsWith("waypoint-person-") === personal))
                   .then(keys => keys.length ? caches.open(keys[0]).then(c => c.match(path))
                   .then(r => r ? r.text() : "") : "").then(html => html.includes("<title>Notes</title>"))""",
                [personal, path],
            )
        )

    wait_until(page, lambda: stored_as_discreet(True, "/en/recovery/today/"), what="today to be stored as discreet")
    wait_until(page, lambda: stored_as_discreet(False, "/en/help/"), what="the help page to be stored as discreet")
    page.context.set_offline(True)
    try:
        visit.goto("/en/recovery/today/")
        assert page.title() == "Notes"
        visit.goto("/en/help/")
        assert page.title() == "Notes"
        visit.settle()
    finally:
        page.context.set_offline(False)


def test_help_stays_stored_offline_while_discreet_mode_changes(browser_visit):
    # The stored pages are fetched again in the new look; until then the old copies stay, so
    # the connection dropping right after the switch never leaves "Get help now" missing.
    visit, page = browser_visit, browser_visit.page
    person("sudden_wren")
    sign_in(visit, "sudden_wren")
    ready_offline(visit)
    page.get_by_role("button", name="Discreet mode: use a plain page title and icon").click()
    page.wait_for_url("**/en/recovery/today/")
    page.context.set_offline(True)
    try:
        visit.goto("/en/help/")
        assert page.locator("h1").inner_text() == "Get help now"
        visit.settle()
    finally:
        page.context.set_offline(False)
