"""The automatic checks every browser test gets: axe on every page of ours that loads, and
no page loading anything from another host. Each is shown to catch what it is for."""

from __future__ import annotations

import pytest

from conftest import _open_visit

pytestmark = pytest.mark.browser

BAD_PAGE = """<!doctype html><html lang="en"><head><title>t</title></head><body>
<main><h1>Test</h1><img src="/static/nothing.png">{extra}</main></body></html>"""


def _serve(visit, path: str, html: str) -> None:
    visit.page.route(visit.url(path), lambda route: route.fulfill(status=200, content_type="text/html", body=html))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_it_catches_an_accessibility_violation_on_any_page_that_loads(
    transactional_db, asgi_server, browser, javascript
):
    context, visit = _open_visit(browser, asgi_server, javascript=javascript)
    try:
        _serve(visit, "/en/broken/", BAD_PAGE.format(extra=""))  # an image without alt text
        visit.goto("/en/broken/")
        visit.page.wait_for_load_state("load")
        with pytest.raises(AssertionError, match="image-alt"):
            visit.finish()
    finally:
        context.close()


def test_it_catches_a_page_loading_from_another_host(transactional_db, asgi_server, browser):
    context, visit = _open_visit(browser, asgi_server, javascript=True)
    try:
        visit.page.route("https://cdn.example.org/**", lambda route: route.fulfill(status=200, body=""))
        page = BAD_PAGE.replace('<img src="/static/nothing.png">', "").format(
            extra='<script src="https://cdn.example.org/x.js"></script>'
        )
        _serve(visit, "/en/leaky/", page)
        visit.goto("/en/leaky/")
        visit.page.wait_for_load_state("load")
        with pytest.raises(AssertionError, match=r"cdn\.example\.org"):
            visit.finish()
    finally:
        context.close()


def test_it_lets_a_person_follow_a_link_to_another_site(browser_visit):
    """Navigating away (quick exit, a link out) is not a page loading something."""
    browser_visit.page.route(
        "https://neutral.example.org/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>Elsewhere</title>"),
    )
    browser_visit.goto("/en/help/")
    browser_visit.settle()
    browser_visit.page.goto("https://neutral.example.org/")
    assert browser_visit.foreign_requests() == []
    assert browser_visit.pages_checked >= 1
