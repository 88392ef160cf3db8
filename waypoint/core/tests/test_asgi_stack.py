"""The request stack under ASGI, as production serves it: our middleware in both modes,
the laned handler (waypoint/core/handler.py), and every security property of the stack —
headers, CSRF with ``Origin: null``, the language cookie, sign-in lockouts, token auth —
checked through the real ASGI application on uvicorn (the ``asgi_server`` fixture), not
only through Django's test client (which uses the sync handler)."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import uuid
from typing import Any

import httpx
import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.conf import settings
from django.core.signals import request_started
from django.http import HttpRequest, HttpResponse

from waypoint.core.handler import LANE_THREAD_PREFIX, LanedASGIHandler, _Lanes
from waypoint.core.middleware import LanguageCookieMiddleware, SecurityHeadersMiddleware
from waypoint.core.tests.personas import PASSWORD, UserFactory

LOGIN = "/en/account/login/"


# --- Our middleware, in both modes ------------------------------------------------------------


def _request(path: str, cookies: dict[str, str] | None = None) -> HttpRequest:
    request = HttpRequest()
    request.path = request.path_info = path
    request.method = "GET"
    request.COOKIES = cookies or {}
    return request


@pytest.mark.parametrize("middleware", [SecurityHeadersMiddleware, LanguageCookieMiddleware])
def test_our_middleware_declares_both_modes(middleware: Any) -> None:
    assert middleware.sync_capable is True
    assert middleware.async_capable is True


def test_the_security_headers_middleware_adds_its_header_in_sync_mode() -> None:
    middleware = SecurityHeadersMiddleware(lambda request: HttpResponse())
    assert not iscoroutinefunction(middleware)
    response = middleware(_request("/en/"))
    assert response["Permissions-Policy"] == settings.PERMISSIONS_POLICY


def test_the_security_headers_middleware_adds_its_header_in_async_mode() -> None:
    async def get_response(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    middleware = SecurityHeadersMiddleware(get_response)
    # Django calls it as a coroutine: no sync_to_async adaptation around it.
    assert iscoroutinefunction(middleware)
    response = async_to_sync(middleware)(_request("/en/"))
    assert response["Permissions-Policy"] == settings.PERMISSIONS_POLICY


def test_the_language_cookie_middleware_sets_the_cookie_in_both_modes() -> None:
    async def get_response(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    synchronous = LanguageCookieMiddleware(lambda request: HttpResponse())
    asynchronous = LanguageCookieMiddleware(get_response)
    for response in (synchronous(_request("/es/help/")), async_to_sync(asynchronous)(_request("/es/help/"))):
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        assert cookie.value == "es"
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"
    # Already remembered: nothing to set.
    again = async_to_sync(asynchronous)(_request("/es/help/", {settings.LANGUAGE_COOKIE_NAME: "es"}))
    assert settings.LANGUAGE_COOKIE_NAME not in again.cookies


# --- Lanes ------------------------------------------------------------------------------------------


def test_lanes_are_reused_and_a_request_waits_when_all_are_busy() -> None:
    async def scenario() -> None:
        lanes = _Lanes(2)
        first, second = await lanes.acquire(), await lanes.acquire()
        assert first is not second
        waiting = asyncio.ensure_future(lanes.acquire())
        await asyncio.sleep(0.01)
        assert not waiting.done()  # a third request waits for a lane
        lanes.release(first)
        assert await waiting is first  # the freed lane (and its thread) is reused
        assert lanes.made == 2
        for lane in (first, second):
            lane.shutdown()

    async_to_sync(scenario)()


def test_the_handler_loads_the_middleware_in_sync_mode() -> None:
    handler = LanedASGIHandler(lanes=3)
    # The chain is one plain call (entered once per request through sync_to_async).
    assert not iscoroutinefunction(handler._middleware_chain)
    assert handler.lane_count == 3


# --- Through the real ASGI application on uvicorn -------------------------------------------------


@pytest.fixture
def web(asgi_server: str) -> Any:
    with httpx.Client(base_url=asgi_server, timeout=20, follow_redirects=False) as client:
        yield client


@pytest.mark.django_db(transaction=True)
def test_pages_through_asgi_keep_every_security_header(web: httpx.Client) -> None:
    response = web.get("/en/")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Permissions-Policy"] == settings.PERMISSIONS_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    language = next(c for c in response.headers.get_list("set-cookie") if c.startswith("wp_lang="))
    assert language.startswith("wp_lang=en;")
    assert "HttpOnly" in language


@pytest.mark.django_db(transaction=True)
def test_static_files_through_asgi_keep_the_security_headers(web: httpx.Client) -> None:
    from django.templatetags.static import static

    response = web.get(static("core/icons/waypoint.svg"))
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Permissions-Policy"] == settings.PERMISSIONS_POLICY
    assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_csrf_through_asgi_accepts_a_same_site_null_origin_and_nothing_weaker(web: httpx.Client) -> None:
    web.get("/en/")
    token = web.cookies["csrftoken"]
    form = {"on": "1", "next": "/en/", "csrfmiddlewaretoken": token}
    same_site = web.post("/en/discreet/", data=form, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert same_site.status_code == 302
    cross_site = web.post("/en/discreet/", data=form, headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403
    no_token = web.post("/en/discreet/", data={"on": "1"}, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert no_token.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_sign_in_lockout_through_asgi(web: httpx.Client) -> None:
    person = UserFactory(username="lantern")

    def sign_in(password: str) -> httpx.Response:
        web.get(LOGIN)
        return web.post(
            LOGIN,
            data={"username": person.username, "password": password, "csrfmiddlewaretoken": web.cookies["csrftoken"]},
            headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        )

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in("wrong-wrong").status_code == 200
    assert sign_in("wrong-wrong").status_code == 429
    # Even the right password is refused while locked out.
    assert sign_in(PASSWORD).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_a_token_check_in_through_asgi_runs_on_the_lanes(web: httpx.Client) -> None:
    from waypoint.accounts.tokens import token_create
    from waypoint.recovery import selectors, services

    person = UserFactory(username="river")
    zone = "America/Chicago"
    today = selectors.local_now_in(zone).date()
    services.profile_save(user=person, start_date=today - dt.timedelta(days=10), time_zone=zone)
    _token, raw = token_create(user=person, name="phone", scope="read-write")

    threads: list[str] = []

    def record(**kwargs: Any) -> None:
        threads.append(threading.current_thread().name)

    request_started.connect(record)
    try:
        body = {"client_id": str(uuid.uuid4()), "date": today.isoformat(), "mood": 4, "used": False}
        auth = {"Authorization": f"Bearer {raw}"}
        created = web.post("/api/v1/me/checkins", json=body, headers=auth)
        again = web.post("/api/v1/me/checkins", json=body, headers=auth)
        for _ in range(5):
            assert web.get("/healthz").status_code == 200
    finally:
        request_started.disconnect(record)
    assert created.status_code == 201, created.text
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]
    # Every request's sync work ran on a lane, and the lanes were reused.
    assert len(threads) == 7
    assert all(name.startswith(LANE_THREAD_PREFIX) for name in threads), threads
    assert len(set(threads)) <= settings.WEB_THREADS
