"""The finder in Chromium: tonight near a ZIP → the results' .ics → the meeting → its .ics,
with and without JS; the address bar (so the history) never shows the place or the filters."""

from __future__ import annotations

import re
from datetime import time
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from waypoint.meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.browser
PAGE_BUDGET_BYTES = 60 * 1024
RESULTS = re.compile(r"^/en/meetings/results/[A-Za-z0-9_-]{22}/$")


def _meetings():
    # Every day, every hour: one always starts within the next two hours, whatever the clock.
    for hour in range(24):
        MeetingFactory(
            name=f"Hope at {hour:02d}",
            day_mask=0b1111111,
            start_time=time(hour),
            end_time=None,
            types=["O", "BE"],
            online_url="https://zoom.us/j/42" if hour % 2 else "",
        )


def _find_and_open(visit):
    page = visit.page
    visit.measure_first_load("/en/meetings/")
    visit.assert_axe_clean()
    # With JavaScript, "Use my location" sits beside the box; without, the box alone.
    assert page.get_by_role("button", name="Use my location").count() == (1 if visit.javascript else 0)
    page.get_by_label("Near (ZIP code, or city and state)").fill("22903")
    page.get_by_label("Starting in the next 2 hours").check()
    page.get_by_text("More choices: kind of meeting, fellowship").click()
    page.get_by_label("Newcomer").check()
    page.get_by_test_id("find-meetings").click()
    page.wait_for_url("**/en/meetings/results/*/")
    # The form posted: the address is an opaque id, with no place or filter in it.
    assert RESULTS.match(urlsplit(page.url).path), page.url
    assert urlsplit(page.url).query == ""
    assert "22903" not in page.url
    page.wait_for_selector("[data-testid=results]")
    assert page.get_by_label("Near (ZIP code, or city and state)").input_value() == "22903"
    assert page.get_by_label("Newcomer").is_checked()
    cards = page.get_by_test_id("meeting-card")
    assert cards.count() >= 2
    visit.assert_axe_clean()
    with page.expect_download() as info:
        page.get_by_test_id("search-ics").click()
    found = Calendar.from_ical(open(info.value.path(), "rb").read())  # noqa: SIM115
    assert len(found.walk("VEVENT")) == cards.count()
    assert "from your Waypoint search" in str(found["X-WR-CALDESC"])
    cards.first.locator("a").first.click()
    page.wait_for_selector("[data-testid=meeting-when]")
    assert "America/New_York" in page.get_by_test_id("meeting-when").inner_text()
    visit.assert_axe_clean()
    with page.expect_download() as info:
        page.get_by_test_id("meeting-ics").click()
    calendar = Calendar.from_ical(open(info.value.path(), "rb").read())  # noqa: SIM115
    event = calendar.walk("VEVENT")[0]
    assert str(event["summary"]).startswith("Hope at")
    assert event["rrule"]["FREQ"] == ["WEEKLY"]
    assert visit.foreign_requests() == []


def test_it_finds_tonights_meeting_and_downloads_its_calendar(browser_visit):
    _meetings()
    _find_and_open(browser_visit)
    # The page's script adds the viewer's own zone (the browser runs in UTC here).
    viewer = browser_visit.page.locator("[data-viewer-time]")
    assert viewer.is_visible()
    assert "UTC" in viewer.inner_text()


def test_it_works_without_javascript(browser_visit_nojs):
    _meetings()
    _find_and_open(browser_visit_nojs)
    assert not browser_visit_nojs.page.locator("[data-viewer-time]").is_visible()


def test_the_finder_and_meeting_pages_stay_light_in_spanish(browser_visit):
    meeting = MeetingFactory(name="Nueva Vida", types=["S"], online_url="https://zoom.us/j/42")
    for path in ["/es/meetings/", f"/es/meetings/{meeting.pk}/"]:
        transferred = browser_visit.measure_first_load(path)
        assert transferred <= PAGE_BUDGET_BYTES, f"{path}: {transferred} bytes"
        browser_visit.assert_axe_clean()
    assert browser_visit.page.get_by_test_id("join-online").is_visible()
    assert browser_visit.foreign_requests() == []
