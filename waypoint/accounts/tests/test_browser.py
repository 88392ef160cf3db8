"""The account journey in a real browser, through uvicorn and Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pyotp
import pytest

from waypoint.accounts.models import User
from waypoint.core.tests.personas import PASSWORD, UserFactory, make_staff, totp_code

pytestmark = pytest.mark.browser


def _csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


def test_it_signs_up_downloads_my_data_and_deletes_the_account(browser_visit):
    visit, page = browser_visit, browser_visit.page
    csp_errors = _csp_errors(page)
    visit.goto("/en/account/signup/")
    visit.assert_axe_clean()
    page.get_by_label("Username").fill("quiet_fox")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/en/account/recovery-codes/new/")
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    visit.assert_axe_clean()
    page.get_by_test_id("codes-saved").click()
    page.wait_for_url("**/en/account/")
    assert page.get_by_test_id("account-username").inner_text() == "quiet_fox"
    visit.assert_axe_clean()

    visit.goto("/en/account/two-step/")
    assert page.locator("svg.qr").count() == 1
    visit.assert_axe_clean()

    visit.goto("/en/account/")
    page.get_by_test_id("my-data-link").click()
    page.wait_for_url("**/en/account/my-data/")
    visit.assert_axe_clean()
    with page.expect_download() as download_info:
        page.get_by_test_id("download-json").click()
    export = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert export["data"]["accounts.account"]["username"] == "quiet_fox"

    page.get_by_test_id("delete-link").click()
    page.wait_for_url("**/en/account/delete/")
    visit.assert_axe_clean()
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    page.get_by_test_id("delete-confirm").click()
    page.wait_for_url("**/en/account/deleted/")
    assert page.locator("h1").inner_text() == "Your account is deleted"
    visit.assert_axe_clean()
    assert not User.objects.filter(username="quiet_fox").exists()
    assert visit.foreign_requests() == []
    assert csp_errors == []


def test_it_signs_in_with_javascript_off_and_shows_the_lockout_page(browser_visit_nojs):
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    UserFactory(username="calm_owl")
    assert visit.measure_first_load("/en/account/login/") <= 60 * 1024
    visit.assert_axe_clean()
    page.get_by_label("Username").fill("calm_owl")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/account/")
    assert page.get_by_test_id("account-username").inner_text() == "calm_owl"
    page.locator("form[action$='/logout/'] button").click()
    page.wait_for_url("**/en/")

    for _ in range(5):
        visit.goto("/en/account/login/")
        page.get_by_label("Username").fill("calm_owl")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
    assert page.locator("h1").inner_text() == "Please wait before trying again"
    visit.assert_axe_clean("/en/account/login/ (locked out)")
    assert visit.foreign_requests() == []


def _sign_out(visit) -> None:
    visit.goto("/en/account/logout/")
    visit.page.locator("main form[action$='/logout/'] button").click()
    visit.page.wait_for_url("**/en/")


def test_staff_reach_the_admin_only_through_the_site_sign_in_and_its_code(browser_visit_nojs):
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    staff = make_staff(username="night_heron")
    totp = pyotp.TOTP(staff.totp_device.secret)
    visit.goto("/admin/")
    page.wait_for_url("**/en/account/login/?next=%2Fadmin%2F")
    page.get_by_label("Username").fill("night_heron")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/account/login/code/**")
    visit.assert_axe_clean("/en/account/login/code/")
    # The code goes in with this browser's cookies, without loading Django's own admin
    # pages in the page: the automatic axe check is for Waypoint's pages.
    token = page.locator("main form input[name=csrfmiddlewaretoken]").get_attribute("value")
    answer = page.context.request.post(
        page.url, form={"csrfmiddlewaretoken": token or "", "code": totp_code(totp)}, max_redirects=0
    )
    assert answer.status == 302
    assert answer.headers["location"] == "/admin/"
    admin_index = page.context.request.get(visit.url("/admin/"), max_redirects=0)
    assert admin_index.status == 200
    assert "Site administration" in admin_index.text()
    assert visit.foreign_requests() == []


def test_sign_up_pauses_for_an_address_that_made_too_many(browser_visit_nojs, settings):
    visit, page = browser_visit_nojs, browser_visit_nojs.page
    settings.SIGNUPS_PER_ADDRESS = 1
    for name in ("first_wren", "second_wren"):
        visit.goto("/en/account/signup/")
        page.get_by_label("Username").fill(name)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password again").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        if name == "first_wren":
            page.wait_for_url("**/en/account/recovery-codes/new/")
            _sign_out(visit)
    assert "making a new account is paused" in page.content()
    assert not User.objects.filter(username="second_wren").exists()
    visit.assert_axe_clean("/en/account/signup/ (paused)")
    assert visit.foreign_requests() == []
