"""In Chromium through uvicorn, JavaScript off: a person finishes a self-check, asks a place to
call them, reads the consent page and sends; the facility's intake worker (signed in with
their code) finds it in the inbox; the person takes it back through their private link and
the inbox no longer shows it. axe and the foreign-request check run on every page load."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from waypoint.availability.tests.helpers import make_facility, make_member
from waypoint.availability.tests.test_browser import sign_in_with_code
from waypoint.core.tests.personas import UserFactory
from waypoint.screening.engine import get_instrument

pytestmark = pytest.mark.browser

PAGE_BUDGET = 60 * 1024


def _answer_the_self_check(page: Any) -> None:
    instrument = get_instrument("oud-self-check")
    assert instrument is not None
    for item in instrument.items:
        # "Yes" to the first five questions, "no" to the rest.
        value = "1" if item.key in {i.key for i in instrument.items[:5]} else "0"
        page.locator(f"input[name={item.key}][value='{value}']").check()


def test_a_person_asks_to_be_called_without_javascript_the_inbox_shows_it_and_they_take_it_back(
    browser_visit_nojs, browser_visit
):
    facility = make_facility(name="Riverside Recovery", latitude=38.03, longitude=-78.48)
    worker = UserFactory(username="intake_heron")
    make_member(worker, facility)
    person, page = browser_visit_nojs, browser_visit_nojs.page

    person.goto("/en/check/oud-self-check/")
    _answer_the_self_check(page)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_selector('[data-testid="handoff-offer"]')
    page.get_by_test_id("handoff-from-result").click()
    page.wait_for_url("**/en/callback/d/*/")
    page.get_by_label("Your ZIP code or city and state").fill("22902")
    page.get_by_test_id("near-submit").click()
    page.get_by_label("Riverside Recovery").check()
    page.get_by_test_id("choose-place").click()
    page.wait_for_url("**/en/callback/d/*/")
    page.get_by_label("Phone number").fill("(434) 555-0147")
    page.get_by_label("First name or nickname (optional)").fill("Sam")
    page.get_by_label("Good times to call (optional)").fill("after 3 pm")
    page.get_by_test_id("details-next").click()
    page.wait_for_url("**/en/callback/d/*/send/")
    consent_path = page.url.split(person.base_url, 1)[1]
    assert person.measure_first_load(consent_path) <= PAGE_BUDGET
    consent = page.get_by_test_id("consent").inner_text()
    for expected in ("Sam", "(434) 555-0147", "after 3 pm", "Total: 5 (possible 0 to 11)"):
        assert expected in consent
    assert "Riverside Recovery" in page.get_by_test_id("consent-facility").inner_text()
    assert "(7 days)" in page.get_by_test_id("consent-expiry").inner_text()
    page.get_by_test_id("send").click()
    page.wait_for_url("**/en/callback/s/*/")
    status_path = page.url.split(person.base_url, 1)[1]
    assert "Sent. Waiting for Riverside Recovery to see it." in page.get_by_test_id("status").inner_text()
    assert page.get_by_test_id("private-link").input_value() == page.url
    # No address of the whole journey said anything about the answers or the person.
    for url in person.requests:
        assert "555" not in url
        assert "Sam" not in url
        assert "more_than_intended" not in url

    staff, staff_page = browser_visit, browser_visit.page
    inbox = f"/en/callback/inbox/{facility.pk}/"
    sign_in_with_code(staff, worker, pyotp.TOTP(worker.totp_device.secret), inbox)
    assert staff_page.get_by_test_id("inbox-row").count() == 1
    staff_page.get_by_test_id("open-request").click()
    assert "Sam" in staff_page.get_by_test_id("sent-items").inner_text()
    assert staff_page.get_by_test_id("call-person").get_attribute("href") == "tel:+14345550147"

    person.goto(status_path)
    assert "has seen your request" in page.get_by_test_id("status").inner_text()
    page.get_by_test_id("withdraw").click()
    page.wait_for_url(f"**{status_path}")
    assert "You took this request back" in page.get_by_test_id("status").inner_text()

    staff.goto(inbox)
    assert staff_page.get_by_test_id("inbox-row").count() == 0
    assert staff_page.get_by_test_id("inbox-empty").is_visible()
