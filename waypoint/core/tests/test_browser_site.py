"""One walk over the public pages of every app, with the built-in content and demo data
that `make run` loads: each page's first load stays within the 60 KB budget, makes no
request to another host, and is axe clean, with JavaScript on and off."""

from __future__ import annotations

import io

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
        "/en/guide/?q=suboxone",
        "/en/treatment/",
        "/en/treatment/?near=22903&radius=100",
        f"/en/treatment/{facility.pk}/",
        "/en/meetings/",
        f"/en/meetings/{meeting.pk}/",
        "/en/account/login/",
        "/en/account/signup/",
        "/es/",
        "/es/guide/methadone/",
        "/es/treatment/",
    ]


def test_it_keeps_every_public_page_light_private_and_accessible(browser_visit, browser_visit_nojs):
    call_command("setup_site", stdout=io.StringIO())
    failures = []
    for path in _public_pages():
        for visit in (browser_visit, browser_visit_nojs):
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
