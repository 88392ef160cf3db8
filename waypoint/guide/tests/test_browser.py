"""Browser tests of the guide, through uvicorn and Debian's Chromium."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.browser

PAGE_BUDGET_BYTES = 60 * 1024
BASE_HTML = Path(django_settings.BASE_DIR) / "waypoint" / "core" / "templates" / "base.html"
PWA_LINES = "{% load guide_pwa %}{% pwa_head %}"


@pytest.fixture
def base_with_pwa_head(settings, tmp_path):
    """Every page registers the worker: base.html does once the lead adds PWA_LINES to its
    <head>; until then this test serves a copy of base.html with them added."""
    source = BASE_HTML.read_text(encoding="utf-8")
    if "pwa_head" in source:
        return False
    (tmp_path / "base.html").write_text(source.replace("</head>", PWA_LINES + "\n</head>", 1), encoding="utf-8")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [str(tmp_path), *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    return True


_WORKER_READY = """() => Promise.race([
     navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller ? true :
       new Promise(resolve => navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true)))),
     new Promise(resolve => setTimeout(() => resolve(false), 20000)),
   ])"""


def _wait_for_service_worker(page, *, tries: int = 3):
    """Waits until a service worker controls the page. A worker whose install failed (a file
    it keeps could not be fetched in time on a busy machine) is installed again when a page
    registers it anew, as it would be for a person: the page is reloaded, up to `tries` times."""
    # page.evaluate, not wait_for_function: the latter evaluates strings, which the CSP forbids.
    for attempt in range(tries):
        if page.evaluate(_WORKER_READY):
            return
        if attempt < tries - 1:
            print(f"service worker: none controls {page.url} after 20 s; loading it again")
            page.reload()
    raise AssertionError(f"no service worker controls {page.url} after {tries} loads of 20 s")


def test_it_goes_from_search_to_an_article_to_the_locator_without_javascript(browser_visit_nojs, browser_articles):
    visit = browser_visit_nojs
    page = visit.page
    assert visit.measure_first_load("/en/guide/") <= PAGE_BUDGET_BYTES
    visit.assert_axe_clean()
    page.get_by_label("Search the guide").fill("suboxone")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/en/guide/search/*/")
    assert "suboxone" not in page.url  # the words wait on the server, not in the address
    results = page.get_by_test_id("search-results")
    assert results.locator("a").first.inner_text() == "Buprenorphine"
    visit.assert_axe_clean("/en/guide/search/…")
    results.locator("a").first.click()
    page.wait_for_url("**/en/guide/buprenorphine/")
    assert page.locator("h1").inner_text() == "Buprenorphine"
    visit.assert_axe_clean()
    page.get_by_test_id("next-locator").click()
    page.wait_for_url("**/en/treatment/")
    assert visit.foreign_requests() == []


def test_it_keeps_an_article_light_and_accessible_in_spanish(browser_visit, browser_articles):
    assert browser_visit.measure_first_load("/es/guide/overdose/") <= PAGE_BUDGET_BYTES
    page = browser_visit.page
    assert page.locator("h1").inner_text() == "Sobredosis: qué hacer"
    assert page.get_by_test_id("crisis-first").is_visible()
    browser_visit.assert_axe_clean()
    assert browser_visit.foreign_requests() == []


def test_it_shows_get_help_now_and_opened_articles_offline(browser_visit, browser_articles):
    page = browser_visit.page
    browser_visit.goto("/en/guide/")
    assert page.locator("link[rel=manifest]").get_attribute("href") == "/manifest.webmanifest"
    _wait_for_service_worker(page)
    browser_visit.goto("/en/guide/methadone/")  # opened while online: kept for later
    browser_visit.goto("/en/help/")
    browser_visit.assert_axe_clean()
    page.context.set_offline(True)
    try:
        page.reload()
        assert page.locator("h1").inner_text() == "Get help now"
        assert page.locator("main a[href='tel:911']").count() >= 1
        browser_visit.goto("/en/guide/methadone/")
        assert page.locator("h1").inner_text() == "Methadone"
        # Spanish help was stored when the worker was installed, never opened.
        browser_visit.goto("/es/help/")
        assert page.locator("h1").inner_text() == "Ayuda ahora"
        # A page never opened falls back to the help page of its language.
        browser_visit.goto("/en/guide/paying-for-treatment/")
        assert page.locator("h1").inner_text() == "Get help now"
    finally:
        page.context.set_offline(False)
    browser_visit.goto("/en/guide/")
    page.get_by_label("Search the guide").fill("methadone")
    page.get_by_role("button", name="Search").click()  # a search can be private: never stored
    page.wait_for_url("**/en/guide/search/*/")
    browser_visit.goto("/en/account/login/")
    stored = page.evaluate(
        "caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.keys()))))"
        ".then(lists => lists.flat().map(r => new URL(r.url).pathname + new URL(r.url).search))"
    )
    assert {"/en/help/", "/es/help/", "/en/guide/methadone/"} <= set(stored)
    private = ("?", "/account/", "/api/", "/search/", "/results/")
    assert [url for url in stored if any(part in url for part in private)] == []
    assert browser_visit.foreign_requests() == []


def test_it_reloads_get_help_now_offline_once_visited(browser_visit, base_with_pwa_head):
    page = browser_visit.page
    browser_visit.goto("/en/help/")
    assert page.locator("link[rel=manifest]").count() == 1
    _wait_for_service_worker(page)
    browser_visit.assert_axe_clean()
    page.context.set_offline(True)
    try:
        page.reload()
        assert page.locator("h1").inner_text() == "Get help now"
        assert page.locator("main a[href='tel:911']").count() >= 1
        assert "Naloxone" in page.locator("#naloxone").inner_text()
    finally:
        page.context.set_offline(False)
    assert browser_visit.foreign_requests() == []
