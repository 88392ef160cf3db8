"""Fixtures shared by every app's tests: the real ASGI server and a Chromium browser.

Browser tests take the ``browser_visit`` fixture: it opens pages of the app served by
uvicorn (HTTP and WebSocket, as in production) in Debian's Chromium driven by Playwright,
records every request the page makes, the bytes it transferred (from the browser's own
network events) and can run axe-core on it.
"""

from __future__ import annotations

import asyncio
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
MEASUREMENTS: dict[str, list[dict[str, Any]]] = {"page_weights": [], "axe": [], "axe_skipped": []}


def _redis_of_this_test_process() -> None:
    """Each pytest-xdist process gets a Redis database of its own (10, 11, …): tests clear
    the cache (a FLUSHDB), which must not wipe what a test in the other process just stored.
    Set in the environment too, for the servers and consumers that tests start."""
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("REDIS_URL", "")
    if not (url and worker.startswith("gw")):
        return
    parts = urlsplit(url)
    own = parts._replace(path=f"/{10 + int(worker[2:]) % 6}").geturl()
    os.environ["REDIS_URL"] = own
    settings.REDIS_URL = own
    settings.CACHES["default"]["LOCATION"] = own
    settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [own]


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    _redis_of_this_test_process()

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
    if MEASUREMENTS["axe_skipped"]:
        terminalreporter.section("pages left before their automatic axe check could run")
        for row in MEASUREMENTS["axe_skipped"]:
            terminalreporter.write_line(f"{row['path']}: {row['why']}")
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
    from django.db import connection

    if connection.vendor == "sqlite":
        # SQLite's in-memory test database, shared between threads, locks whole tables and
        # never waits ("database table is locked"): requests take turns on one thread, as
        # under Django's own handler. PostgreSQL runs keep the production lanes.
        from waypoint import asgi

        asgi.django_asgi_app.lane_count = 1
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
    manager = sync_playwright()
    playwright = manager.__enter__()
    try:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        _PLAYWRIGHT["loop"] = manager._loop
        _playwright_pause()
        yield browser
        _playwright_resume()
        browser.close()
    finally:
        _playwright_resume()
        manager.__exit__(None, None, None)
        _PLAYWRIGHT.clear()


# Playwright's sync API keeps its event loop suspended in this thread between calls, and the
# thread then counts as "in an event loop": Django would refuse every later ORM call in it,
# browser test or not. Outside browser tests the loop is marked as not running; a browser
# test marks it running again for its own duration (and only it gets Django's escape hatch).
_PLAYWRIGHT: dict[str, Any] = {}


def _playwright_pause() -> None:
    asyncio._set_running_loop(None)


def _playwright_resume() -> None:
    if "loop" in _PLAYWRIGHT:
        asyncio._set_running_loop(_PLAYWRIGHT["loop"])


@dataclass
class BrowserVisit:
    """One browser context (fresh cache and cookies) on the test server.

    Every page of the site that loads in it is checked automatically: axe-core runs on it
    when it loads, and the visit fails at its end if any page of ours had a violation or
    loaded anything from another host. (Following a link to another site — quick exit — is
    a navigation, not a page loading something, and is allowed.)
    """

    base_url: str
    page: Any
    cdp: Any
    javascript: bool
    requests: list[str] = field(default_factory=list)
    # Requests that are not navigations: what a page itself fetched.
    subresources: list[str] = field(default_factory=list)
    transferred: int = 0
    problems: list[str] = field(default_factory=list)
    pages_checked: int = 0
    checking: int = 0
    _checker: Any = None

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

    def _own(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(self.base_url).netloc

    def foreign_requests(self) -> list[str]:
        """Every request a page of ours made to another host (navigations away excluded)."""
        return [
            url
            for url in self.subresources
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and not self._own(url)
        ]

    def on_request(self, request: Any) -> None:
        self.requests.append(request.url)
        if not request.is_navigation_request():
            self.subresources.append(request.url)

    def on_load(self, page: Any) -> None:
        """axe on every page of ours, as it loads; problems are reported when the visit ends.

        Playwright runs this handler at its next chance, which may come after the test has
        already moved on: the document is read first (one quick DevTools call) and then
        checked in a separate page, so a check rarely loses the race. A page the test left
        before its check could even start is counted, not failed (see `settle`)."""
        self.checking += 1
        try:
            if not self._own(page.url):
                return
            try:
                url = page.url
                document_url, html = self._current_document()
                if document_url != url:
                    # The browser already holds the next page (perhaps half-read): this
                    # one is gone, and the next is checked when it has loaded.
                    MEASUREMENTS["axe_skipped"].append({"path": urlsplit(url).path, "why": "left before the check"})
                    return
                violations = self._axe_on_html(url, html)
                # A document read just as the next load of the same address began may be
                # the new one, still empty. Findings count only for a document that is still
                # the same when read again; otherwise the newer one is checked (a few tries).
                for _ in range(3):
                    if not violations:
                        break
                    self.page.wait_for_timeout(300)
                    again_url, again = self._current_document()
                    if again_url == url and again == html:
                        break
                    if again_url != url:
                        MEASUREMENTS["axe_skipped"].append({"path": urlsplit(url).path, "why": "left before the check"})
                        return
                    html = again
                    violations = self._axe_on_html(url, html)
            except Exception as exc:
                if any(word in str(exc).lower() for word in ("navigat", "destroyed", "closed", "could not find node")):
                    MEASUREMENTS["axe_skipped"].append(
                        {"path": urlsplit(page.url).path, "why": "left before the check"}
                    )
                    return
                self.problems.append(f"axe could not run on {page.url}: {exc}")
                return
            self.pages_checked += 1
            if violations:
                self.problems.append(f"axe on {page.url}: {json.dumps(violations, indent=2)}")
        finally:
            self.checking -= 1

    def settle(self) -> None:
        """Waits until the automatic checks of pages loaded so far have run (call it before
        leaving a page in a hurry, e.g. for another site)."""
        self.page.wait_for_timeout(50)
        deadline = time.monotonic() + 30
        while self.checking and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)

    def finish(self) -> None:
        """The automatic checks' verdict for the whole visit."""
        if not self.page.is_closed():
            self.settle()
        foreign = self.foreign_requests()
        assert foreign == [], f"pages loaded things from other hosts: {foreign}"
        assert self.problems == [], "\n".join(self.problems)
        if self._checker is not None:
            self._checker.close()

    def _current_html(self) -> str:
        return self._current_document()[1]

    def _current_document(self) -> tuple[str, str]:
        """The document as the browser holds it now (also the answer to a POST) and its URL,
        read through the DevTools protocol, which needs no script in the page. (Another
        getDocument — a check running beside this one — invalidates node ids: try again.)"""
        for attempt in range(5):
            document = self.cdp.send("DOM.getDocument", {"depth": -1})
            try:
                html = str(self.cdp.send("DOM.getOuterHTML", {"nodeId": document["root"]["nodeId"]})["outerHTML"])
                return str(document["root"].get("documentURL", "")), html
            except Exception as exc:
                if "Could not find node" not in str(exc) or attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def _axe_on_html(self, url: str, html: str) -> list[dict[str, Any]]:
        """axe on a document, shown at its own URL (so styles and contrast are the real
        ones) in a separate script-enabled page with the page's own scripts blocked."""
        if self._checker is None:
            self._checker = self.page.context.browser.new_context()
        checker = self._checker.new_page()
        try:
            checker.route("**/*.js", lambda route: route.abort())
            checker.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
            checker.goto(url, wait_until="load")
            result = _run_axe(checker)
        finally:
            checker.close()
        violations = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        MEASUREMENTS["axe"].append(
            {"path": urlsplit(url).path, "violations": len(violations), "passes": len(result["passes"])}
        )
        return violations

    def axe_violations(self, label: str | None = None) -> list[dict[str, Any]]:
        """Runs axe-core (WCAG 2.2 A and AA rules) on the current page, as it is now."""
        if not AXE_PATH.exists():
            skip_or_fail("axe-core is not installed (make test runs npm ci)")
        if not self.javascript:
            return self._axe_on_html(self.page.url, self._current_html())
        result = _run_axe(self.page)
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


_AXE_RUN = """tags => {
    // One run at a time per page: the automatic check on load and a test's own check
    // may ask at once, and axe refuses to run twice concurrently.
    const run = () => axe.run(document, {runOnly: {type: 'tag', values: tags}});
    window.__waypointAxe = (window.__waypointAxe || Promise.resolve()).catch(() => null).then(run);
    return window.__waypointAxe;
}"""


def _run_axe(page: Any) -> Any:
    # evaluate() is not subject to the page's CSP, so the strict policy stays on.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def _open_visit(browser: Any, base_url: str, *, javascript: bool, **context_args: Any) -> tuple[Any, BrowserVisit]:
    if not AXE_PATH.exists():
        # Before the test, not half-way through it: a browser test always runs axe.
        skip_or_fail("axe-core is not installed (make test runs npm ci)")
    context = browser.new_context(java_script_enabled=javascript, **context_args)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    visit = BrowserVisit(base_url=base_url, page=page, cdp=cdp, javascript=javascript)

    def on_finished(event: dict[str, Any]) -> None:
        visit.transferred += int(event.get("encodedDataLength", 0))

    cdp.on("Network.loadingFinished", on_finished)
    page.on("request", visit.on_request)
    page.on("load", visit.on_load)
    return context, visit


@pytest.fixture
def browser_visit(transactional_db: Any, asgi_server: str, browser: Any) -> Iterator[BrowserVisit]:
    """A fresh browser context with JavaScript on; every page it loads is checked."""
    context, visit = _open_visit(browser, asgi_server, javascript=True)
    yield visit
    try:
        visit.finish()
    finally:
        context.close()


@pytest.fixture
def browser_visit_nojs(transactional_db: Any, asgi_server: str, browser: Any) -> Iterator[BrowserVisit]:
    """A fresh browser context with JavaScript off; every page it loads is checked."""
    context, visit = _open_visit(browser, asgi_server, javascript=False)
    yield visit
    try:
        visit.finish()
    finally:
        context.close()


@pytest.fixture(autouse=True)
def _sync_orm_beside_playwright(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test thread while a browser test
    drives a page, and Django then refuses the ORM calls the test makes beside it. Only
    browser tests get Django's escape hatch, and only for their own duration: everywhere
    else (consumers above all) an async-unsafe database call still fails loudly."""
    if "browser" not in request.fixturenames:
        yield
        return
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    request.getfixturevalue("browser")
    _playwright_resume()
    try:
        yield
    finally:
        _playwright_pause()


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_eagerly() -> None:
    """Tasks run where they are enqueued (huey's immediate mode, in-memory storage), so a
    test sees their effect at once. Tests of the consumer itself start a real one."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _fresh_keys() -> None:
    """Each test starts without cached data keys: test databases reuse ids after a
    rollback, which a live deployment never does."""
    from waypoint.core import crypto

    crypto.forget_cached_keys()


@pytest.fixture(autouse=True)
def _fresh_token_stamps(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test holds its own tokens' last-used times, and a write they wait for never
    fires in a later test (waypoint/accounts/tokens.py, _UsedStamps)."""
    from waypoint.accounts import tokens

    stamps = tokens._UsedStamps()
    monkeypatch.setattr(tokens, "used_stamps", stamps)
    yield
    if stamps._timer is not None:
        stamps._timer.cancel()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache, so rate limits and cached lookups of one test
    never leak into the next (the cache is Redis in CI, in-process locally)."""
    from django.core.cache import cache

    cache.clear()


# --- The cast (waypoint/core/tests/personas.py) -----------------------------------------


@pytest.fixture
def alice(db: Any) -> Any:
    """The owner of whatever the test is about."""
    from waypoint.core.tests.personas import UserFactory

    return UserFactory(username="alice")


@pytest.fixture
def bob(db: Any) -> Any:
    """Another signed-in person, sharing nothing with alice."""
    from waypoint.core.tests.personas import UserFactory

    return UserFactory(username="bob")


@pytest.fixture
def charlie(db: Any) -> Any:
    """A member of a different group than alice's (apps with groups put him there)."""
    from waypoint.core.tests.personas import UserFactory

    return UserFactory(username="charlie")


@pytest.fixture
def staff(db: Any) -> Any:
    """An operator: staff, two-step sign-in on."""
    from waypoint.core.tests.personas import make_staff

    return make_staff(username="operator")


@pytest.fixture
def alice_client(alice: Any) -> Any:
    from waypoint.core.tests.personas import client_for

    return client_for(alice)


@pytest.fixture
def bob_client(bob: Any) -> Any:
    from waypoint.core.tests.personas import client_for

    return client_for(bob)


@pytest.fixture
def staff_client(staff: Any) -> Any:
    from waypoint.core.tests.personas import client_for

    return client_for(staff)


@pytest.fixture(autouse=True)
def fast_password_hashing(request: Any, settings: Any) -> None:
    """Argon2 is slow by design; tests use a fast hasher unless they ask for
    `real_hashers` (the test proving that Argon2 is what production uses)."""
    if "real_hashers" not in request.fixturenames:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def real_hashers() -> None:
    """Marker fixture: keep the hashers from settings.py."""


@pytest.fixture(autouse=True)
def english_by_default() -> Iterator[None]:
    """reverse() follows the active language, which a request to /es/ leaves active in
    this thread; each test starts in English so URLs do not depend on test order."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- Realtime ---------------------------------------------------------------------------


@pytest.fixture
def sent_events(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Records (and validates against its declaration) every event sent during the test."""
    from waypoint.core import events
    from waypoint.core.testing import EventRecorder

    recorder = EventRecorder(events._deliver)
    monkeypatch.setattr(events, "_deliver", recorder)
    return recorder
