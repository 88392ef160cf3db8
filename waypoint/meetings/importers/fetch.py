"""Reading feeds: local files, or HTTP with timeouts, retries and a size cap (httpx).

This module is the one boundary where Waypoint talks to meeting servers; tests mock it
with respx and recorded responses (tests/fixtures/).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from waypoint.meetings.importers.bmlt import parse_bmlt
from waypoint.meetings.importers.common import FeedError, ParsedFeed
from waypoint.meetings.importers.meeting_guide import load_json, parse_meeting_guide

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
ATTEMPTS = 3
# Seconds before retry n (1-based); tests set it to 0.
RETRY_BACKOFF = 1.0
USER_AGENT = "Waypoint meeting importer (+https://github.com/; self-hosted)"
MEETING_GUIDE = "meeting_guide"
BMLT = "bmlt"


def max_bytes() -> int:
    """IMPORT_MAX_MB (README): the cap for a feed file or a server's answer."""
    return int(settings.IMPORT_MAX_MB) * 1024 * 1024


def _too_large(what: str) -> FeedError:
    return FeedError(f"{what} is larger than {settings.IMPORT_MAX_MB} MB (IMPORT_MAX_MB)")


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in {"http", "https"}


def fetch(url: str, *, params: dict[str, str] | None = None) -> bytes:
    """GET with retries on connection errors, timeouts and 5xx/429; raises FeedError."""
    last_error = ""
    with httpx.Client(timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}, follow_redirects=True) as client:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                # Streamed, so a hostile or broken feed cannot fill memory before the cap
                # is checked (the cap counts decompressed bytes).
                with client.stream("GET", url, params=params) as response:
                    status = response.status_code
                    if status < 400:
                        body = bytearray()
                        limit = max_bytes()
                        for chunk in response.iter_bytes():
                            body.extend(chunk)
                            if len(body) > limit:
                                raise _too_large("the response")
                        return bytes(body)
            except httpx.HTTPError as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            else:
                last_error = f"HTTP {status}"
                if status < 500 and status != 429:
                    break  # a 404 or 403 will not get better by asking again
            if attempt < ATTEMPTS and RETRY_BACKOFF:
                time.sleep(RETRY_BACKOFF * attempt)
    raise FeedError(f"could not read {url}: {last_error}")


def read_location(location: str) -> bytes:
    if is_url(location):
        return fetch(location)
    path = Path(location)
    try:
        if path.stat().st_size > max_bytes():
            raise _too_large(Path(location).name)
        return path.read_bytes()
    except OSError as exc:
        raise FeedError(f"cannot read {location}: {exc.strerror}") from None


def guess_kind(location: str) -> str:
    """Meeting Guide for files and *.json / tsml / WordPress feed URLs; a BMLT root otherwise."""
    if not is_url(location):
        return MEETING_GUIDE
    path = urlsplit(location).path.lower()
    if path.endswith(".json") or "tsml" in path or "admin-ajax" in path:
        return MEETING_GUIDE
    return BMLT


def bmlt_endpoint(root: str) -> str:
    return root.rstrip("/").removesuffix("/client_interface/json").rstrip("/") + "/client_interface/json/"


def load_bmlt(root: str, *, service_bodies: str = "") -> ParsedFeed:
    endpoint = bmlt_endpoint(root)
    params = {"switcher": "GetSearchResults"}
    if service_bodies:
        params["services"] = ",".join(p.strip() for p in service_bodies.split(",") if p.strip())
        params["recursive"] = "1"
    meetings = _json(fetch(endpoint, params=params), "GetSearchResults")
    formats = _json(fetch(endpoint, params={"switcher": "GetFormats"}), "GetFormats")
    if isinstance(meetings, dict) and "error" in meetings:
        raise FeedError(f"the server said: {str(meetings['error'])[:200]}")
    return parse_bmlt(meetings, formats)


def _json(raw: bytes, what: str) -> Any:
    try:
        return load_json(raw)
    except FeedError as exc:
        raise FeedError(f"{what} did not return JSON ({exc.message})") from None


def load(location: str, *, kind: str, service_bodies: str = "") -> ParsedFeed:
    if kind == BMLT:
        if not is_url(location):
            raise FeedError("a BMLT root server must be an http(s) URL")
        return load_bmlt(location, service_bodies=service_bodies)
    return parse_meeting_guide(read_location(location))
