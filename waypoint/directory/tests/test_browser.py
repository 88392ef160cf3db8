"""The locator in Chromium through uvicorn: search by ZIP → filter → call, with and without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from .factories import FacilityFactory, codes_text

pytestmark = pytest.mark.browser


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
    page.get_by_label("ZIP code or city and state").fill("22902")
    page.get_by_test_id("search-submit").click()
    page.wait_for_url("**/en/treatment/?near=22902*")
    assert page.get_by_test_id("result").count() == 2
    visit.assert_axe_clean()
    page.get_by_text("What do you need? (optional)").click()  # the filters fold away after a search
    page.get_by_test_id("service-BU").check()
    page.get_by_test_id("search-submit").click()
    page.wait_for_url("**service=BU*")
    results = page.get_by_test_id("result")
    assert results.count() == 1
    assert "Blue Ridge Medication Clinic" in results.first.inner_text()
    assert results.first.get_by_test_id("call").get_attribute("href") == "tel:+14345550123"
    results.first.get_by_role("link", name="Blue Ridge Medication Clinic").click()
    page.wait_for_url("**/en/treatment/*/")
    assert page.get_by_test_id("call").get_attribute("href") == "tel:+14345550123"
    visit.assert_axe_clean()
    assert visit.foreign_requests() == []


def test_use_my_location_fills_the_place_and_searches(browser_visit: Any) -> None:
    _directory()
    visit, page = browser_visit, browser_visit.page
    page.context.grant_permissions(["geolocation"], origin=visit.base_url)
    page.context.set_geolocation({"latitude": 38.0301, "longitude": -78.4801})
    visit.goto("/en/treatment/?service=MD")
    page.get_by_test_id("use-location").click()
    page.wait_for_url("**near=38.030*")
    assert page.get_by_test_id("result").count() == 1
    assert visit.foreign_requests() == []


def test_it_works_without_javascript(browser_visit_nojs: Any) -> None:
    _directory()
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    visit.goto("/en/treatment/?service=BU")
    assert page.get_by_test_id("needs-place").is_visible()
    assert not page.get_by_test_id("use-location").is_visible()
    visit.assert_axe_clean()
    page.get_by_label("ZIP code or city and state").fill("Charlottesville, VA")
    page.get_by_test_id("search-submit").click()
    page.wait_for_load_state()
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
    assert visit.foreign_requests() == []
