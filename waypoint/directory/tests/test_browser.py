"""The locator in Chromium through uvicorn: search by ZIP → filter → call, with and without
JavaScript; the address bar (so the history) never shows the place or the filters."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from .factories import FacilityFactory, codes_text

pytestmark = pytest.mark.browser
RESULTS = re.compile(r"^/en/treatment/results/[A-Za-z0-9_-]{22}/$")


def _assert_opaque(url: str, *typed: str) -> None:
    """The page's address is a results id: no query, nothing typed or ticked."""
    parts = urlsplit(url)
    assert RESULTS.match(parts.path), url
    assert parts.query == ""
    for text in typed:
        assert text not in url


def _directory() -> None:
    FacilityFactory(name="Blue Ridge Medication Clinic", codes=codes_text("SA", "BU", "MD"), intake_phone="434-555-0123",
                    latitude=38.035, longitude=-78.49)  # fmt: skip
    FacilityFactory(name="Valley Counseling", codes=codes_text("SA", "OP"), latitude=38.04, longitude=-78.47)
    FacilityFactory(name="Far Away Program", codes=codes_text("SA", "BU"), latitude=39.9, longitude=-78.47)


def test_it_searches_by_zip_filters_and_calls(browser_visit: Any) -> None:
    _directory()
    visit, page = browser_visit, browser_visit.page
    assert visit.measure_first_load("/en/treatment/") <= 60_000
    visit.assert_axe_clean()
    assert page.get_by_test_id("use-location").is_visible()  # JavaScript shows it
    page.get_by_label("ZIP code or city and state").fill("Springfield")
    page.get_by_label("ZIP code or city and state").press("Enter")  # presses Search, not a choice
    page.get_by_test_id("place-choices").wait_for()
    assert urlsplit(page.url).path == "/en/treatment/"
    visit.assert_axe_clean("/en/treatment/ (POST: choose a Springfield)")
    page.get_by_label("ZIP code or city and state").fill("22902")
    page.get_by_test_id("search-submit").click()
    page.wait_for_url("**/en/treatment/results/*/")
    _assert_opaque(page.url, "22902")
    first_results = page.url
    assert page.get_by_test_id("result").count() == 2
    visit.assert_axe_clean()
    page.get_by_text("What do you need? (optional)").click()  # the filters fold away after a search
    page.get_by_test_id("service-BU").check()
    page.get_by_test_id("search-submit").click()
    page.wait_for_url(lambda url: "/results/" in url and url != first_results)
    _assert_opaque(page.url, "22902", "BU")
    assert page.get_by_test_id("service-BU").is_checked()  # shown ticked again
    assert page.get_by_label("ZIP code or city and state").input_value() == "22902"
    results = page.get_by_test_id("result")
    assert results.count() == 1
    assert "Blue Ridge Medication Clinic" in results.first.inner_text()
    assert results.first.get_by_test_id("call").get_attribute("href") == "tel:+14345550123"
    results.first.get_by_role("link", name="Blue Ridge Medication Clinic").click()
    page.wait_for_url("**/en/treatment/*/")
    assert page.get_by_test_id("call").get_attribute("href") == "tel:+14345550123"
    visit.assert_axe_clean()
    page.go_back()  # the results are fetched again (no-store), from the stashed search
    page.wait_for_url("**/en/treatment/results/*/")
    assert page.get_by_test_id("result").count() == 1
    assert visit.foreign_requests() == []


def test_use_my_location_fills_the_place_and_searches(browser_visit: Any) -> None:
    _directory()
    visit, page = browser_visit, browser_visit.page
    page.context.grant_permissions(["geolocation"], origin=visit.base_url)
    page.context.set_geolocation({"latitude": 38.0301, "longitude": -78.4801})
    visit.goto("/en/treatment/")
    page.get_by_test_id("service-MD").check()
    page.get_by_test_id("use-location").click()
    page.wait_for_url("**/en/treatment/results/*/")
    _assert_opaque(page.url, "38.030", "MD")
    assert page.get_by_label("ZIP code or city and state").input_value() == "38.030,-78.480"
    assert page.get_by_test_id("result").count() == 1
    visit.assert_axe_clean()
    assert visit.foreign_requests() == []


def test_it_works_without_javascript(browser_visit_nojs: Any) -> None:
    _directory()
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    visit.goto("/en/treatment/")
    assert not page.get_by_test_id("use-location").is_visible()
    page.get_by_test_id("service-BU").check()
    page.get_by_test_id("search-submit").click()  # no place yet
    page.wait_for_url("**/en/treatment/results/*/")
    _assert_opaque(page.url, "BU")
    assert page.get_by_test_id("needs-place").is_visible()
    assert page.get_by_test_id("service-BU").is_checked()
    visit.assert_axe_clean()
    # An ambiguous city: a button for each; Enter in the box would still press Search.
    page.get_by_label("ZIP code or city and state").fill("Springfield")
    page.get_by_test_id("search-submit").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/en/treatment/"  # the form again, at its own address
    visit.assert_axe_clean()
    page.get_by_role("button", name="Springfield, IL").click()
    page.wait_for_url("**/en/treatment/results/*/")
    _assert_opaque(page.url, "Springfield")
    assert "Springfield, IL" in page.get_by_role("heading", level=2).first.inner_text()
    assert page.get_by_test_id("service-BU").is_checked()
    page.get_by_label("ZIP code or city and state").fill("Charlottesville, VA")
    page.get_by_test_id("search-submit").click()
    page.wait_for_url("**/en/treatment/results/*/")
    _assert_opaque(page.url, "Charlottesville")
    results = page.get_by_test_id("result")
    assert results.count() == 1
    assert results.first.get_by_test_id("call").get_attribute("href") == "tel:+14345550123"
    visit.assert_axe_clean()
    results.first.get_by_role("link", name="Blue Ridge Medication Clinic").click()
    page.wait_for_load_state()
    page.get_by_label("The phone number is wrong").check()
    page.get_by_test_id("report-submit").click()
    page.wait_for_load_state()
    assert "Thank you" in page.content()
    visit.assert_axe_clean()
    # A results address that has ended (or was never this browser's) offers a new search.
    visit.goto("/en/treatment/results/AAAAAAAAAAAAAAAAAAAAAA/")
    assert page.get_by_test_id("search-expired").is_visible()
    assert page.get_by_test_id("search-submit").is_visible()
    visit.assert_axe_clean()
    assert visit.foreign_requests() == []
