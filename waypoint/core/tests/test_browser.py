"""Browser tests of the foundation pages, through uvicorn and Debian's Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/en/",
    "/en/help/",
    "/en/for-me/",
    "/en/for-someone/",
    "/en/recovery/",
    "/en/about/",
    "/es/",
    "/es/help/",
]
PAGE_BUDGET_BYTES = 60 * 1024
# settings.QUICK_EXIT_URL's default; the tests answer for it, nothing leaves the machine.
NEUTRAL_SITE = "https://www.weather.gov/"


def test_it_goes_from_home_to_get_help_now_and_its_call_links(browser_visit):
    page = browser_visit.page
    browser_visit.goto("/en/")
    browser_visit.assert_axe_clean()
    page.get_by_test_id("get-help-now").click()
    page.wait_for_url("**/en/help/")
    assert page.locator("h1").inner_text() == "Get help now"
    hrefs = page.locator("main a[href^='tel:']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "tel:+18006624357" in hrefs
    assert "tel:988" in hrefs
    assert "tel:911" in hrefs
    browser_visit.assert_axe_clean()
    assert browser_visit.foreign_requests() == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_it_keeps_each_public_page_light_and_on_its_own_host(browser_visit, path):
    transferred = browser_visit.measure_first_load(path)
    assert transferred <= PAGE_BUDGET_BYTES, f"{path} transferred {transferred} bytes"
    assert browser_visit.foreign_requests() == []
    browser_visit.assert_axe_clean()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_it_serves_each_public_page_without_javascript(browser_visit_nojs, path):
    transferred = browser_visit_nojs.measure_first_load(path)
    assert transferred <= PAGE_BUDGET_BYTES
    page = browser_visit_nojs.page
    assert page.get_by_test_id("get-help-now").is_visible()
    assert page.get_by_test_id("quick-exit").is_visible()
    assert browser_visit_nojs.foreign_requests() == []
    browser_visit_nojs.assert_axe_clean()


def _stub_neutral_site(visit):
    """The neutral site is on another host, unreachable from tests: answer for it."""
    visit.page.route(
        NEUTRAL_SITE + "**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title><h1>Weather</h1>"
        ),
    )


def test_it_quick_exits_with_the_button_replacing_the_page(browser_visit):
    page = browser_visit.page
    _stub_neutral_site(browser_visit)
    browser_visit.goto("/en/")
    browser_visit.goto("/en/help/")
    length_before = page.evaluate("history.length")
    page.get_by_test_id("quick-exit").click()
    page.wait_for_url(NEUTRAL_SITE + "**")
    assert page.title() == "Weather"
    # location.replace(): the help page was replaced, not added to, in history.
    assert page.evaluate("history.length") == length_before
    page.go_back()
    assert "/en/help/" not in page.url


def test_it_quick_exits_when_escape_is_pressed_twice(browser_visit):
    page = browser_visit.page
    _stub_neutral_site(browser_visit)
    browser_visit.goto("/en/help/")
    page.keyboard.press("Escape")
    assert "/en/help/" in page.url  # one press does nothing
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL_SITE + "**")
    assert page.title() == "Weather"


def test_it_quick_exits_without_javascript_through_the_plain_link(browser_visit_nojs):
    page = browser_visit_nojs.page
    _stub_neutral_site(browser_visit_nojs)
    browser_visit_nojs.goto("/en/")
    page.get_by_test_id("quick-exit").click()
    page.wait_for_url(NEUTRAL_SITE + "**")
    assert page.title() == "Weather"


def test_it_switches_to_spanish_and_remembers_it(browser_visit):
    page = browser_visit.page
    browser_visit.goto("/en/")
    page.get_by_test_id("language-es").click()
    page.wait_for_url("**/es/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_test_id("get-help-now").inner_text() == "Ayuda ahora"
    browser_visit.assert_axe_clean()
    browser_visit.goto("/")
    assert page.url.endswith("/es/")


def test_it_turns_on_discreet_mode_without_javascript(browser_visit_nojs):
    page = browser_visit_nojs.page
    browser_visit_nojs.goto("/en/help/")
    assert "Waypoint" in page.title()
    page.get_by_role("button", name="Discreet mode: use a plain page title and icon").click()
    page.wait_for_url("**/en/help/")
    assert page.title() == "Notes"
    assert "notes" in page.locator("link[rel=icon]").get_attribute("href")
