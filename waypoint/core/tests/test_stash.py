"""waypoint.core.stash: a search kept server-side for an hour, behind a random id, for
the browser that made it only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from django.http import HttpResponse
from django.test import RequestFactory

from waypoint.core.stash import OWNER_COOKIE, STASH_SECONDS, stash_get, stash_put, stash_redirect, stash_remember

SEARCH = {"near": "22903", "service": ["PW", "AD", "CJ", "MD"]}
T0 = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)


def _browser() -> tuple[object, str]:
    """A request from a new browser, and the owner cookie the stash gives it."""
    request = RequestFactory().post("/en/treatment/")
    key = stash_put(request, kind="test", data=SEARCH)
    response = HttpResponse()
    stash_remember(request, response)
    return key, response.cookies[OWNER_COOKIE].value


def _request(cookie: str | None) -> object:
    request = RequestFactory().get("/en/treatment/results/x/")
    if cookie is not None:
        request.COOKIES[OWNER_COOKIE] = cookie
    return request


def test_it_gives_back_what_this_browser_stashed() -> None:
    key, cookie = _browser()
    assert stash_get(_request(cookie), kind="test", key=key) == SEARCH


def test_ids_are_random_unguessable_and_say_nothing() -> None:
    keys = {stash_put(RequestFactory().post("/"), kind="test", data=SEARCH) for _ in range(200)}
    assert len(keys) == 200  # the same search twice gets two ids
    for key in keys:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", key)  # 128 random bits (token_urlsafe(16))
        assert "22903" not in key


def test_another_browser_or_no_cookie_gets_nothing() -> None:
    key, _cookie = _browser()
    _other_key, other_cookie = _browser()
    assert stash_get(_request(other_cookie), kind="test", key=key) is None
    assert stash_get(_request(None), kind="test", key=key) is None
    assert stash_get(_request("forged"), kind="test", key=key) is None


def test_an_unknown_malformed_or_other_kind_id_gets_nothing() -> None:
    key, cookie = _browser()
    assert stash_get(_request(cookie), kind="other", key=key) is None
    assert stash_get(_request(cookie), kind="test", key="A" * 22) is None
    assert stash_get(_request(cookie), kind="test", key="../../etc") is None


def test_it_expires_after_an_hour() -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        key, cookie = _browser()
        traveller.move_to(T0 + timedelta(seconds=STASH_SECONDS - 1))
        assert stash_get(_request(cookie), kind="test", key=key) == SEARCH
        traveller.move_to(T0 + timedelta(seconds=STASH_SECONDS))
        assert stash_get(_request(cookie), kind="test", key=key) is None


def test_the_redirect_is_303_to_the_id_and_sets_an_httponly_session_cookie() -> None:
    request = RequestFactory().post("/en/treatment/")
    response = stash_redirect(request, kind="test", data=SEARCH, to=lambda key: f"/en/treatment/results/{key}/")
    assert response.status_code == 303
    assert re.fullmatch(r"/en/treatment/results/[A-Za-z0-9_-]{22}/", response["Location"])
    morsel = response.cookies[OWNER_COOKIE]
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"
    assert not morsel["max-age"]  # gone when the browser closes
    # A browser that already has the cookie keeps it (no new Set-Cookie).
    again = RequestFactory().post("/en/treatment/")
    again.COOKIES[OWNER_COOKIE] = morsel.value
    second = stash_redirect(again, kind="test", data=SEARCH, to=lambda key: f"/{key}/")
    assert OWNER_COOKIE not in second.cookies
    assert stash_get(_request(morsel.value), kind="test", key=second["Location"].strip("/")) == SEARCH
