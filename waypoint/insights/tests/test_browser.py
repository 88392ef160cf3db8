"""The insights and weekly pages in Chromium with JavaScript off: the person's own patterns,
the early warning's table and chart, the private prompt (also on the today page), the
note's and the weekly summary's forms,
in English and Spanish; axe and the foreign-request check run on every page load."""

from __future__ import annotations

import datetime as dt

import pytest

from waypoint.core.tests.personas import PASSWORD, UserFactory
from waypoint.insights.tests.conftest import history, store_in_recovery

pytestmark = pytest.mark.browser


def sign_in(visit, username: str) -> None:
    page = visit.page
    visit.goto("/en/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/account/")


def hard_weeks(end: dt.date) -> list:
    """Eight weeks where short nights raise craving, then three hard days."""

    def craving(d: dt.date, i: int) -> int:
        return (5 if i % 3 == 0 else 1) + i % 2 if i < 57 else [6, 8, 9][i - 57]

    return history(
        60,
        end=end,
        craving=craving,
        mood=lambda d, i: 4 if i < 57 else 2,
        sleep_hours=lambda d, i: 5.0 if i % 3 == 0 or i >= 58 else 7.5,
        meeting=lambda d, i: i % 2 == 0,
    )


def test_insights_and_weekly_pages_work_with_javascript_off(browser_visit_nojs):
    from waypoint.recovery.selectors import local_now_in

    visit, page = browser_visit_nojs, browser_visit_nojs.page
    person = UserFactory(username="still_lake")
    store_in_recovery(person, hard_weeks(local_now_in("America/New_York").date()))
    sign_in(visit, "still_lake")

    visit.goto("/en/insights/")
    assert page.locator("h1").inner_text() == "Patterns in my check-ins"
    insights = page.get_by_test_id("insights").inner_text()
    assert "On nights you sleep under 6 hours, your craving the next day is about" in insights
    assert page.get_by_test_id("warning-prompt").is_visible()
    assert page.locator("svg[role=img] title").first.text_content() == "How much each sign adds to the score"
    rows = page.get_by_test_id("warning-table").locator("tbody tr")
    assert rows.count() == 9
    page.get_by_test_id("open-plan").click()
    page.wait_for_url("**/en/recovery/struggling/")

    # The same prompt on the today page, with the way to what added to the score.
    visit.goto("/en/recovery/today/")
    assert page.get_by_test_id("warning-prompt").is_visible()
    page.get_by_test_id("warning-why").click()
    page.wait_for_url("**/en/insights/")
    page.get_by_label("Send me a note when the last few days look harder").check()
    page.get_by_test_id("save-warning-push").click()
    page.wait_for_url("**/en/insights/")
    assert page.get_by_label("Send me a note when the last few days look harder").is_checked()

    visit.goto("/en/insights/week/")
    assert page.locator("h1").inner_text().startswith("My week:")
    assert page.get_by_test_id("trend-table").locator("tbody tr").count() == 28
    page.get_by_label("Send me this summary each week").check()
    page.get_by_test_id("save-weekly").click()
    page.wait_for_url("**/en/insights/week/")
    assert page.get_by_label("Send me this summary each week").is_checked()
    page.get_by_test_id("earlier-week").click()
    page.wait_for_url("**/en/insights/week/?weeks_ago=1")
    assert page.get_by_test_id("week-checkins").inner_text() == "7 of 7"

    visit.goto("/es/insights/week/")
    assert page.locator("h1").inner_text().startswith("Mi semana:")
    visit.goto("/es/insights/")
    assert page.locator("h1").inner_text() == "Patrones en mis registros"
    assert "su deseo de consumir" in page.get_by_test_id("insights").inner_text()
