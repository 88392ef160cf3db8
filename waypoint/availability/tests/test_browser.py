"""In Chromium through uvicorn: an intake worker on a phone signs in with their code, updates
today's availability with a few taps on big targets, and the locator shows it at once.
axe and the foreign-request check run on every page load (root conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from waypoint.availability.tests.helpers import make_facility, make_member
from waypoint.core.tests.personas import PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.browser

PAGE_BUDGET = 60 * 1024
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TAP = 44  # px, WCAG 2.5.5


@pytest.fixture
def phone_visit(transactional_db: Any, asgi_server: str, browser: Any) -> Iterator[Any]:
    """A phone-sized, touch browser (JavaScript on), checked like every visit."""
    import conftest

    context, visit = conftest._open_visit(browser, asgi_server, javascript=True, **PHONE)
    yield visit
    try:
        visit.finish()
    finally:
        context.close()


def sign_in_with_code(visit: Any, user: Any, totp: Any, next_path: str) -> None:
    page = visit.page
    visit.goto(next_path)
    page.wait_for_url("**/en/account/login/**")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/account/login/code/**")
    page.locator("input[name=code]").fill(totp_code(totp))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**{next_path}")


def test_an_intake_worker_updates_availability_on_a_phone_and_the_locator_shows_it(phone_visit, browser_visit):
    import pyotp

    facility = make_facility(name="Riverside Recovery", latitude=38.03, longitude=-78.48, codes=" SA BU ")
    worker = UserFactory(username="intake_wren")
    make_member(worker, facility)
    totp = pyotp.TOTP(worker.totp_device.secret)
    path = f"/en/facility-staff/{facility.pk}/"
    visit, page = phone_visit, phone_visit.page
    sign_in_with_code(visit, worker, totp, path)
    assert visit.measure_first_load(path) <= PAGE_BUDGET

    # Big targets: every choice and the Save button are at least 44 px tall, and the page
    # does not scroll sideways on a 390 px screen.
    for target in [*page.locator("label.tile").all(), page.get_by_test_id("save-availability")]:
        box = target.bounding_box()
        assert box is not None
        assert box["height"] >= TAP
    wide = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390)"
        ".map(e => e.tagName + '.' + e.className + ' ' + e.parentElement.outerHTML.slice(0, 200) + e.getBoundingClientRect().right)"
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, wide

    page.get_by_label("Yes, today").check()
    page.get_by_label("Buprenorphine").check()
    page.get_by_label("Walk-in hours (optional)").fill("Mon–Fri 8–11 am")
    page.get_by_test_id("save-availability").tap()
    page.wait_for_url(f"**{path}")
    assert "Saved." in page.locator(".messages").inner_text()
    assert "Taking new clients today" in page.get_by_test_id("availability").inner_text()
    # The next visit starts from these answers: "still true today" is one tap.
    assert page.get_by_label("Yes, today").is_checked()
    page.get_by_test_id("still-true").tap()
    page.wait_for_url(f"**{path}")

    # Someone looking for care nearby, with "can see me soon" ticked.
    seeker, seeker_page = browser_visit, browser_visit.page
    seeker.goto("/en/treatment/")
    seeker_page.get_by_label("ZIP code or city and state").fill("22902")
    seeker_page.get_by_test_id("soon-filter").check()
    seeker_page.get_by_test_id("search-submit").click()
    seeker_page.wait_for_url("**/en/treatment/results/*/")
    line = seeker_page.get_by_test_id("availability").first.inner_text()
    assert "Taking new clients today" in line
    assert "same-day buprenorphine starts" in line
    assert "walk-in: Mon–Fri 8–11 am" in line
    assert "updated just now" in line
    assert seeker_page.get_by_test_id("result").count() == 1
