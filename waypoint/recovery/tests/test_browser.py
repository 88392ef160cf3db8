"""The recovery companion in a real browser (uvicorn + Chromium), JavaScript on and off.
axe and the foreign-request check run on every page load (root conftest)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from waypoint.core.tests.personas import PASSWORD, UserFactory
from waypoint.recovery import selectors, services
from waypoint.recovery.models import Checkin, Lapse
from waypoint.recovery.plan import PlanContent, PlanStrategy, PlanTrigger
from waypoint.recovery.tests.conftest import make_profile

pytestmark = pytest.mark.browser
PAGE_BUDGET_BYTES = 60 * 1024


class Taps:
    """Counts what the person taps (clicks on the page), to hold the check-in to six."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:
        self.count += 1
        locator.click()


def sign_in(visit, username: str, *, lang: str = "en") -> None:
    page = visit.page
    visit.goto(f"/{lang}/account/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/{lang}/account/")


def check_in_in_six_taps(visit) -> None:
    page = visit.page
    user = UserFactory(username="steady_heron")
    make_profile(user, days_ago=20, medication_kind="buprenorphine")
    sign_in(visit, "steady_heron")
    assert visit.measure_first_load("/en/recovery/today/") <= PAGE_BUDGET_BYTES
    tap = Taps()
    tap(page.locator("#id_mood").get_by_label("Good", exact=True))
    tap(page.locator("#id_craving").get_by_label("2", exact=True))
    tap(page.locator("#id_used").get_by_label("No", exact=True))
    tap(page.locator("#id_sleep").get_by_label("7", exact=True))
    tap(page.locator("#id_medication_taken").get_by_label("Yes", exact=True))
    tap(page.get_by_test_id("checkin-save"))
    page.wait_for_url("**/en/recovery/today/")
    assert page.get_by_test_id("checked-in").is_visible()
    assert tap.count <= 6
    row = Checkin.objects.get(user=user)
    assert (row.mood, row.craving, row.used, float(row.sleep_hours), row.medication_taken) == (4, 2, False, 7.0, True)
    assert page.get_by_test_id("days-in-recovery").inner_text() == "20"


def test_a_check_in_takes_six_taps_without_javascript(browser_visit_nojs):
    check_in_in_six_taps(browser_visit_nojs)


def test_a_check_in_takes_six_taps_with_javascript(browser_visit):
    check_in_in_six_taps(browser_visit)


def test_a_new_person_signs_up_and_makes_a_plan_in_a_few_taps(browser_visit):
    visit, page = browser_visit, browser_visit.page
    visit.goto("/en/recovery/")
    page.get_by_test_id("recovery-signup").click()
    page.get_by_label("Username").fill("new_lark")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/en/account/recovery-codes/new/")
    visit.goto("/en/recovery/")
    page.wait_for_url("**/en/recovery/start/")
    # The script picked the browser's own zone (the test browser's is UTC-like or a real one).
    assert page.locator("#id_time_zone").input_value()
    tap = Taps()
    tap(page.get_by_test_id("start-save"))
    page.wait_for_url("**/en/recovery/plan/")
    tap(page.get_by_test_id("plan-begin"))
    tap(page.get_by_label("My children"))
    tap(page.get_by_test_id("step-next"))
    page.wait_for_url("**/plan/edit/triggers/")
    tap(page.get_by_label("Payday"))
    tap(page.get_by_label("Feeling alone"))
    tap(page.get_by_test_id("step-next"))
    page.wait_for_url("**/plan/edit/signs/")
    tap(page.get_by_label("I sleep badly or too little"))
    tap(page.get_by_test_id("step-next"))
    page.wait_for_url("**/plan/edit/coping/")
    tap(page.get_by_label("Call someone from my list"))
    tap(page.get_by_test_id("step-next"))
    page.wait_for_url("**/plan/edit/people/")
    page.locator("#id_p0-name").fill("Ines")
    page.locator("#id_p0-phone").fill("555-201-3344")
    tap(page.get_by_test_id("step-next"))
    page.wait_for_url("**/plan/edit/crisis/")
    tap(page.get_by_test_id("step-next"))  # the first draft, with the region's lines
    page.wait_for_url("**/en/recovery/plan/")
    assert tap.count <= 15
    main = page.locator("main").inner_text()
    for words in ("My children", "Payday", "Feeling alone", "Call someone from my list", "Ines", "988"):
        assert words in main, words
    assert page.locator('a[href="tel:5552013344"]').count() == 1
    visit.goto("/en/recovery/plan/versions/")
    assert page.locator("main ul.stack > li").count() == 6


def test_the_plan_left_half_done_is_resumed_from_today_without_javascript(browser_visit_nojs):
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    user = UserFactory(username="half_way")
    make_profile(user)
    sign_in(visit, "half_way")
    visit.goto("/en/recovery/plan/")
    page.get_by_test_id("plan-begin").click()
    page.get_by_label("My health").click()
    page.get_by_test_id("step-later").click()
    page.wait_for_url("**/en/recovery/today/")
    page.get_by_test_id("plan-resume").click()
    page.wait_for_url("**/plan/edit/triggers/")
    assert selectors.plan_current(user=user).reasons == ["My health"]


def test_im_struggling_shows_their_plan_and_people_as_tel_links(browser_visit_nojs):
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    user = UserFactory(username="rough_day")
    make_profile(user)
    services.support_person_save(user=user, name="Ines", phone="(555) 201-3344", role="sponsor")
    services.plan_save(
        user=user,
        content=PlanContent(
            triggers=[PlanTrigger(id="a", kind="places", name="The bus station")],
            coping=[PlanStrategy(id="1", text="Take the other exit", trigger_ids=["a"])],
        ),
        changed="coping",
    )
    sign_in(visit, "rough_day")
    visit.goto("/en/recovery/today/")
    page.get_by_test_id("struggling-button").click()
    page.wait_for_url("**/en/recovery/struggling/")
    assert page.get_by_test_id("call-person").get_attribute("href") == "tel:5552013344"
    assert page.get_by_test_id("crisis-call").get_attribute("href") == "tel:988"
    assert page.get_by_test_id("emergency-call").get_attribute("href") == "tel:911"
    picked = page.get_by_test_id("trigger-pick").filter(has_text="The bus station")
    assert not picked.get_by_text("Take the other exit").is_visible()
    picked.get_by_text("The bus station").click()  # <details>: works without script
    assert picked.get_by_text("Take the other exit").is_visible()
    page.get_by_test_id("breathe-link").click()
    page.wait_for_url("**/en/recovery/breathe/")
    assert page.locator(".breathe-circle").is_visible()


def test_the_breathing_timer_counts_down_with_javascript(browser_visit):
    visit, page = browser_visit, browser_visit.page
    visit.goto("/en/recovery/breathe/")
    assert page.locator("[data-timer]").inner_text() == "5:00"
    page.locator("label[for=breathe-start]").click()
    # (The page's CSP forbids eval, so no wait_for_function: Playwright's own matcher waits.)
    expect(page.locator("[data-timer]")).to_have_text(re.compile(r"^4:5\d$"), timeout=5000)
    page.locator("label[for=breathe-start]").click()  # pause
    paused = page.locator("[data-timer]").inner_text()
    page.wait_for_timeout(1500)
    assert page.locator("[data-timer]").inner_text() == paused


def test_a_lapse_takes_away_only_its_day(browser_visit_nojs):
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    user = UserFactory(username="honest_owl")
    make_profile(user, days_ago=30)
    sign_in(visit, "honest_owl")
    visit.goto("/en/recovery/today/")
    assert page.get_by_test_id("days-in-recovery").inner_text() == "30"
    visit.goto("/en/recovery/lapses/")
    page.get_by_test_id("lapse-new").click()
    when = selectors.local_today(user=user) - dt.timedelta(days=10)
    page.locator("#id_first").fill(when.isoformat())
    page.locator("#id_what_happened").fill("An old friend called")
    page.get_by_test_id("lapse-save").click()
    page.wait_for_url("**/en/recovery/lapses/*/")
    assert (
        page.get_by_test_id("lapse-headline").inner_text() == "You still have 29 days of recovery. What can we learn?"
    )
    visit.goto("/en/recovery/today/")
    assert page.get_by_test_id("days-in-recovery").inner_text() == "29"
    assert Lapse.objects.get(user=user).date == when


def test_spanish_check_in_with_a_lapse_without_javascript(browser_visit_nojs):
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    user = UserFactory(username="rio_claro")
    make_profile(user, days_ago=143)
    sign_in(visit, "rio_claro", lang="es")
    assert visit.measure_first_load("/es/recovery/today/") <= PAGE_BUDGET_BYTES
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator("#id_mood").get_by_label("Bajo", exact=True).click()
    page.locator("#id_used").get_by_label("Sí", exact=True).click()
    page.get_by_test_id("checkin-save").click()
    page.wait_for_url("**/es/recovery/lapses/*/")
    assert page.get_by_test_id("lapse-headline").inner_text() == (
        "Usted sigue teniendo 143 días de recuperación. ¿Qué podemos aprender?"
    )
    assert "tolerancia" in page.locator("main").inner_text()
