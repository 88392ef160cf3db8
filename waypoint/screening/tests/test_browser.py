"""Browser tests: a whole self-check, the decision aid and the locator link, in
Spanish, with JavaScript off and on, through uvicorn and Chromium."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import resolve
from django.utils import translation

from waypoint.screening.tests.helpers import oud_answers
from waypoint.screening.tests.helpers import situation as situation_answers

pytestmark = pytest.mark.browser
PAGE_BUDGET_BYTES = 60 * 1024


def _answer(page, answers: dict) -> None:
    for key, value in answers.items():
        page.locator(f"input[name='{key}'][value='{value}']").check()


def _submit_measured(visit, test_id: str) -> int:
    """Submits a form with an empty cache; returns the bytes the result page cost."""
    visit.cdp.send("Network.clearBrowserCache")
    visit.transferred = 0
    visit.page.get_by_test_id(test_id).click()
    visit.page.wait_for_load_state("networkidle")
    print(f"{test_id}: {visit.transferred} bytes, first load")  # shown with pytest -s
    return visit.transferred


def _check_page(visit) -> None:
    visit.assert_axe_clean()
    assert visit.foreign_requests() == []


def test_it_goes_from_the_self_check_to_the_locator_in_spanish_without_javascript(browser_visit_nojs):
    _self_check_to_locator(browser_visit_nojs)


def test_it_goes_from_the_self_check_to_the_locator_in_spanish_with_javascript(browser_visit):
    _self_check_to_locator(browser_visit)


def _self_check_to_locator(visit) -> None:
    # (Fixtures are named in each test, not fetched with getfixturevalue(): pytest-django
    # only sees a transactional_db it can find in the test's signature.)
    page = visit.page
    assert visit.measure_first_load("/es/check/") <= PAGE_BUDGET_BYTES
    _check_page(visit)

    page.get_by_test_id("check-oud-self-check").click()
    page.wait_for_url("**/es/check/oud-self-check/")
    assert "Esto no es un diagnóstico" in page.get_by_test_id("not-a-diagnosis").inner_text()
    _check_page(visit)

    _answer(page, oud_answers(5))
    assert _submit_measured(visit, "see-result") <= PAGE_BUDGET_BYTES
    # The answers went in the POST body: the address is the form's own, with no query.
    assert urlsplit(page.url).query == ""
    assert page.get_by_test_id("total").inner_text() == "5"
    assert "moderado" in page.get_by_test_id("band").inner_text()
    assert page.get_by_test_id("crisis-help").count() == 0
    # The ways to the locator are forms (posting BU, or MU + OTP), not links with codes.
    assert page.get_by_test_id("find-places").count() == 2
    assert page.locator("a[href*='service=']").count() == 0
    _check_page(visit)

    page.get_by_test_id("to-decision-aid").click()
    page.wait_for_url("**/es/check/which-care/")
    _check_page(visit)
    _answer(page, situation_answers(insurance="medicaid", spanish="yes", transport="no"))
    assert _submit_measured(visit, "see-advice") <= PAGE_BUDGET_BYTES
    assert page.get_by_test_id("safety-plan").is_visible()
    assert page.get_by_test_id("comparison").is_visible()
    _check_page(visit)

    # "Find places that offer this" posts the codes to the locator: nothing in any URL.
    assert page.locator("a[href*='service='], a[href*='near=']").count() == 0
    find = page.get_by_test_id("find-buprenorphine")
    form_action = find.evaluate("button => button.form.getAttribute('action')")
    with translation.override("es"):
        assert resolve(form_action).view_name == "directory:search"
    find.click()
    page.wait_for_url("**/es/treatment/results/*/")
    assert urlsplit(page.url).query == ""
    for code in ("BU", "MD", "SP"):
        assert code not in urlsplit(page.url).path
        assert page.get_by_test_id(f"service-{code}").is_checked()
    # No place was given: the locator keeps the services and asks where.
    assert page.get_by_test_id("needs-place").is_visible()
    _check_page(visit)


def test_it_shows_crisis_help_first_when_the_answer_signals_danger(browser_visit):
    # JavaScript on, so that axe checks the result page itself (a POST response).
    visit = browser_visit
    page = visit.page
    visit.goto("/en/check/oud-self-check/")
    _answer(page, oud_answers(1, suicidal_thoughts=1))
    page.get_by_test_id("see-result").click()
    page.wait_for_load_state()
    crisis = page.get_by_test_id("crisis-help")
    assert crisis.is_visible()
    hrefs = crisis.locator("a[href^='tel:']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["tel:988", "tel:911"]
    crisis_top = crisis.bounding_box()["y"]
    assert crisis_top < page.get_by_test_id("score").bounding_box()["y"]
    _check_page(visit)


def test_it_shows_the_cows_form_and_a_missing_answer_without_javascript(browser_visit_nojs):
    visit = browser_visit_nojs
    page = visit.page
    visit.goto("/en/check/cows/")
    _check_page(visit)
    page.locator("input[name='pulse'][value='2']").check()
    page.get_by_test_id("see-result").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("error-summary").is_visible()
    assert page.locator("input[name='pulse'][value='2']").is_checked()
    _check_page(visit)
