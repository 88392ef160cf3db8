"""Fixtures shared by every app's tests: the real ASGI server and a Chromium browser.

Browser tests take the ``browser_visit`` fixture: it opens pages of the app served by
uvicorn (HTTP and WebSocket, as in production) in Debian's Chromium driven by Playwright,
records every request the page makes, the bytes it transferred (from the browser's own
network events) and can run axe-core on it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from waypoint.core.testing import skip_or_fail

ROOT = Path(__file__).resolve().parent
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Page weights and axe results measured during the run, printed at the end.
MEASUREMENTS: dict[str, list[dict[str, Any]]] = {"page_weights": [], "axe": []}


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Static files are served from the hashed manifest, and translations from compiled
    # catalogues; `make test` prepares both, this covers a plain `pytest` run.
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        import django
        from django.core.management import call_command

        django.setup()
        call_command("collectstatic", interactive=False, verbosity=0)
    from scripts.compile_messages import compile_all

    compile_all()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if MEASUREMENTS["page_weights"]:
        terminalreporter.section("page weight (first load, bytes transferred, from Chromium's network events)")
        for row in MEASUREMENTS["page_weights"]:
            js = "JS on" if row["javascript"] else "JS off"
            terminalreporter.write_line(f"{row['bytes']:>8} B  {row['requests']:>3} requests  {js:6}  {row['path']}")
    if MEASUREMENTS["axe"]:
        terminalreporter.section("axe-core (WCAG 2.2 A/AA rules)")
        for row in MEASUREMENTS["axe"]:
            terminalreporter.write_line(
                f"{row['violations']:>3} violations  {row['passes']:>3} rules passed  {row['path']}"
            )
    if MEASUREMENTS["page_weights"] or MEASUREMENTS["axe"]:
        out = ROOT / "var" / "test-reports"
        out.mkdir(parents=True, exist_ok=True)
        (out / "browser-measurements.json").write_text(json.dumps(MEASUREMENTS, indent=2), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def asgi_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The app served by uvicorn in a background thread, against the test database."""
    import uvicorn
    from django.conf import settings

    # The test runner only allows "testserver"; the browser talks to 127.0.0.1.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    port = _free_port()
    config = uvicorn.Config(
        "waypoint.asgi:application", host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    with django_db_blocker.unblock():
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("uvicorn did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
        server.should_exit = True
        thread.join(timeout=10)


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if not executable:
        skip_or_fail("Debian's chromium is not installed (make test installs it with apt-get when it can)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed")
    # Playwright's sync API keeps an event loop in the test thread; Django would
    # otherwise refuse the ORM calls that tests and fixtures make beside it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class BrowserVisit:
    """One browser context (fresh cache and cookies) on the test server."""

    base_url: str
    page: Any
    cdp: Any
    javascript: bool
    requests: list[str] = field(default_factory=list)
    transferred: int = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, **kwargs: Any) -> Any:
        return self.page.goto(self.url(path), **kwargs)

    def measure_first_load(self, path: str) -> int:
        """Loads `path` with an empty cache and returns the bytes transferred."""
        self.cdp.send("Network.clearBrowserCache")
        # A first visit has no service worker and no Cache Storage either: without this,
        # pages the worker cached on an earlier visit would count as 0 bytes.
        self.cdp.send(
            "Storage.clearDataForOrigin", {"origin": self.base_url, "storageTypes": "service_workers,cache_storage"}
        )
        self.transferred = 0
        self.requests.clear()
        response = self.goto(path, wait_until="load")
        assert response is not None, f"{path} answered nothing"
        assert response.ok, f"{path} answered {response.status}"
        self.page.wait_for_load_state("networkidle")
        MEASUREMENTS["page_weights"].append(
            {"path": path, "bytes": self.transferred, "requests": len(self.requests), "javascript": self.javascript}
        )
        return self.transferred

    def foreign_requests(self) -> list[str]:
        """Every request made so far that did not go to the test server's own host."""
        own = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and urlsplit(url).netloc != own
        ]

    def axe_violations(self, label: str | None = None) -> list[dict[str, Any]]:
        """Runs axe-core (WCAG 2.2 A and AA rules) on the current page."""
        if not AXE_PATH.exists():
            skip_or_fail("axe-core is not installed (make test runs npm ci)")
        if self.javascript:
            result = _run_axe(self.page)
        else:
            # axe needs script, which this page runs without. Check the very document the
            # server sends (page scripts blocked) in a script-enabled page at the same URL,
            # so that styles and contrast are the real ones. (page.content() would need
            # script in the page itself, so the document is fetched again with this
            # context's cookies.)
            url = self.page.url
            html = self.page.context.request.get(url).text()
            context = self.page.context.browser.new_context()
            try:
                checker = context.new_page()
                checker.route("**/*.js", lambda route: route.abort())
                checker.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
                checker.goto(url, wait_until="load")
                result = _run_axe(checker)
            finally:
                context.close()
        violations = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        MEASUREMENTS["axe"].append(
            {
                "path": label or urlsplit(self.page.url).path,
                "violations": len(violations),
                "passes": len(result["passes"]),
            }
        )
        return violations

    def assert_axe_clean(self, label: str | None = None) -> None:
        violations = self.axe_violations(label)
        assert violations == [], json.dumps(violations, indent=2)


def _run_axe(page: Any) -> Any:
    # evaluate() is not subject to the page's CSP, so the strict policy stays on.
    page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    return page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)


def _open_visit(browser: Any, base_url: str, *, javascript: bool, **context_args: Any) -> tuple[Any, BrowserVisit]:
    context = browser.new_context(java_script_enabled=javascript, **context_args)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    visit = BrowserVisit(base_url=base_url, page=page, cdp=cdp, javascript=javascript)

    def on_finished(event: dict[str, Any]) -> None:
        visit.transferred += int(event.get("encodedDataLength", 0))

    cdp.on("Network.loadingFinished", on_finished)
    page.on("request", lambda request: visit.requests.append(request.url))
    return context, visit


@pytest.fixture
def browser_visit(transactional_db: Any, asgi_server: str, browser: Any) -> Iterator[BrowserVisit]:
    """A fresh browser context with JavaScript on."""
    context, visit = _open_visit(browser, asgi_server, javascript=True)
    yield visit
    context.close()


@pytest.fixture
def browser_visit_nojs(transactional_db: Any, asgi_server: str, browser: Any) -> Iterator[BrowserVisit]:
    """A fresh browser context with JavaScript off."""
    context, visit = _open_visit(browser, asgi_server, javascript=False)
    yield visit
    context.close()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache, so rate limits and cached lookups of one test
    never leak into the next (the cache is Redis in CI, in-process locally)."""
    from django.core.cache import cache

    cache.clear()
