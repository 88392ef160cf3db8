"""One walk over the public pages of every app, with the built-in content and demo data
that `make run` loads: each page's first load stays within the 60 KB budget, makes no
request to another host, and is axe clean, with JavaScript on and off."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

PAGE_BUDGET_BYTES = 60 * 1024


def _public_pages() -> list[str]:
    from waypoint.directory.models import Facility
    from waypoint.meetings.models import Meeting

    facility = Facility.objects.order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    assert facility is not None, "setup_site loaded no facilities"
    assert meeting is not None, "setup_site loaded no meetings"
    return [
        "/en/",
        "/en/help/",
        "/en/check/",
        "/en/check/which-care/",
        "/en/guide/",
        "/en/guide/methadone/",
        "/en/treatment/",
        f"/en/treatment/{facility.pk}/",
        "/en/meetings/",
        f"/en/meetings/{meeting.pk}/",
        "/en/account/login/",
        "/en/account/signup/",
        "/es/",
        "/es/guide/methadone/",
        "/es/treatment/",
    ]


def _results_pages(visit) -> list[str]:
    """Searches made as a person makes them (the forms post; no search is in any URL):
    the opaque results addresses they lead to, for this browser only."""
    page = visit.page
    found = []
    for form_page, place_label, submit, pattern in [
        ("/en/treatment/", "ZIP code or city and state", "search-submit", "**/en/treatment/results/*/"),
        ("/en/meetings/", "Near (ZIP code, or city and state)", "find-meetings", "**/en/meetings/results/*/"),
    ]:
        visit.goto(form_page)
        page.get_by_label(place_label).fill("22903")
        if form_page == "/en/treatment/":
            page.get_by_label("Distance in miles").fill("100")
        page.get_by_test_id(submit).click()
        page.wait_for_url(pattern)
        assert "22903" not in page.url, page.url
        assert "?" not in page.url, page.url
        found.append(urlsplit(page.url).path)
    visit.goto("/en/guide/")
    page.get_by_label("Search the guide").fill("suboxone")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/en/guide/search/*/")
    assert "suboxone" not in page.url, page.url
    found.append(urlsplit(page.url).path)
    return found


def test_it_keeps_every_public_page_light_private_and_accessible(browser_visit, browser_visit_nojs):
    call_command("setup_site", stdout=io.StringIO())
    failures = []
    pages = _public_pages()
    for visit in (browser_visit, browser_visit_nojs):
        for path in pages + _results_pages(visit):
            transferred = visit.measure_first_load(path)
            label = f"{path} ({'JS on' if visit.javascript else 'JS off'})"
            if transferred > PAGE_BUDGET_BYTES:
                failures.append(f"{label}: {transferred} bytes")
            if visit.foreign_requests():
                failures.append(f"{label}: requests to other hosts {visit.foreign_requests()}")
            violations = visit.axe_violations(label)
            if violations:
                failures.append(f"{label}: axe {[v['id'] for v in violations]}")
    assert failures == []
