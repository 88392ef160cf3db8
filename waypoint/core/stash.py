"""A search kept on the server for an hour, behind a random address.

The treatment locator and the meeting finder never put what a person searched for (a ZIP
code, "pregnant", "under 18", "Medicaid"…) in a URL, because URLs end up in browser
history, bookmarks, proxy logs and the address bar on a shared screen. The search form
posts; the view stashes the cleaned search here and redirects to
`/<lang>/<area>/results/<id>/`, where the id is 128 random bits that say nothing.

Why the cache and not a table: the cache is Redis in production (`REDIS_URL`), which
several workers share (settings check E003 refuses several workers without it) and which
drops each entry by itself when its hour is up, so nothing needs purging and no search
ever reaches the database or its backups. Each entry also carries its own expiry time,
checked on every read, so the hour is exact whatever the cache does (and testable with
time-machine, which cannot move Redis's clock). If the cache loses an entry early (a
restart, or the in-process cache evicting under load), the page says the search has ended
and offers to search again, which is what it says after an hour anyway.

An entry is also tied to the browser that made it: a random token in a session cookie
(`wp_search`, HttpOnly, nothing in it but the token) whose hash is stored with the entry.
A results address copied from a log or a history list therefore shows nothing in another
browser, even within the hour.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

STASH_SECONDS = 3600
OWNER_COOKIE = "wp_search"
_KEY = re.compile(r"^[A-Za-z0-9_-]{22}$")  # secrets.token_urlsafe(16)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
_NEW_TOKEN_ATTR = "_waypoint_stash_owner"  # noqa: S105 - an attribute name, not a secret


def _cache_key(kind: str, key: str) -> str:
    return f"waypoint:stash:{kind}:{key}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _owner_token(request: HttpRequest, *, create: bool) -> str:
    token = getattr(request, _NEW_TOKEN_ATTR, "") or request.COOKIES.get(OWNER_COOKIE, "")
    if _TOKEN.match(token):
        return token
    if not create:
        return ""
    token = secrets.token_urlsafe(32)
    setattr(request, _NEW_TOKEN_ATTR, token)
    return token


def stash_put(request: HttpRequest, *, kind: str, data: dict[str, Any]) -> str:
    """Keeps `data` (JSON-like) for an hour for this browser; returns its random id.

    Call `stash_remember(request, response)` on the response that leads to the id, so a
    browser without the cookie gets it (`stash_redirect` does both)."""
    key = secrets.token_urlsafe(16)
    entry = {
        "owner": _digest(_owner_token(request, create=True)),
        "expires": time.time() + STASH_SECONDS,
        "data": data,
    }
    cache.set(_cache_key(kind, key), entry, timeout=STASH_SECONDS)
    return key


def stash_get(request: HttpRequest, *, kind: str, key: str) -> dict[str, Any] | None:
    """The data stashed under `key` by this browser, or None when it is unknown, expired,
    of another kind or another browser's (all look the same to the caller)."""
    if not _KEY.match(key):
        return None
    entry = cache.get(_cache_key(kind, key))
    if not isinstance(entry, dict):
        return None
    if time.time() >= entry.get("expires", 0):
        cache.delete(_cache_key(kind, key))
        return None
    token = _owner_token(request, create=False)
    # Each condition on its own line: no token, or another browser's, is "not found".
    if not token:
        return None
    if not hmac.compare_digest(str(entry.get("owner", "")), _digest(token)):
        return None
    data = entry.get("data")
    return data if isinstance(data, dict) else None


def stash_remember(request: HttpRequest, response: HttpResponse) -> None:
    """Sets the owner cookie when `stash_put` had to make a token for this browser."""
    token = getattr(request, _NEW_TOKEN_ATTR, "")
    if token:
        # A session cookie (no max-age): it goes when the browser closes; an hour-long
        # max-age could end before a search made late in its life.
        response.set_cookie(
            OWNER_COOKIE,
            token,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            path="/",
        )


def stash_redirect(
    request: HttpRequest, *, kind: str, data: dict[str, Any], to: Callable[[str], str]
) -> HttpResponseRedirect:
    """Stashes `data` and answers 303 See Other to `to(id)`: the browser fetches the
    results with GET, so reloading and going back never post the form again."""
    key = stash_put(request, kind=kind, data=data)
    response = HttpResponseRedirect(to(key))
    response.status_code = 303
    stash_remember(request, response)
    return response
