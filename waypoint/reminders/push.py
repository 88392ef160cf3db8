"""Sending one Web Push message: encrypted for the browser (RFC 8291, aes128gcm, through
pywebpush), signed with our VAPID key (RFC 8292, py_vapid), posted with httpx.

The server posting to a push service on another host is how Web Push works; pages never
load anything from another host. A subscription may only name a push service in
``PUSH_SERVICE_HOSTS`` (checked when it is saved, and again here), so the server never
posts to an address a browser made up. Tests replace the sender (``set_sender``) or mock
httpx at this one boundary (respx).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from pywebpush import WebPusher

from waypoint.reminders import vapid

logger = logging.getLogger("waypoint.reminders")

TIMEOUT = httpx.Timeout(5.0, connect=3.0)
# A signed VAPID token is good for up to 24 hours; ours are renewed after 6.
_TOKEN_LIFE = 12 * 3600
_TOKEN_RENEW = 6 * 3600


@dataclass(frozen=True)
class PushResult:
    status: int  # the push service's HTTP status; 0 when it could not be reached

    @property
    def ok(self) -> bool:
        return self.status in (200, 201, 202)

    @property
    def gone(self) -> bool:
        """The subscription no longer exists (the browser unsubscribed or it expired): remove it."""
        return self.status in (404, 410)

    @property
    def retry(self) -> bool:
        """Worth trying again later: no answer, too many requests, or the service failing."""
        return self.status == 0 or self.status == 429 or self.status >= 500


@dataclass(frozen=True)
class Target:
    endpoint: str
    p256dh: str
    auth: str


class PushSender(Protocol):
    def send(self, target: Target, payload: bytes, *, ttl: int, urgency: str, topic: str) -> PushResult: ...


def allowed_endpoint(endpoint: str) -> bool:
    """An https URL on one of the push services we send to (PUSH_SERVICE_HOSTS)."""
    try:
        parts = urlsplit(endpoint)
    except ValueError:
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return False
    if parts.port not in (None, 443):
        return False
    return any(host == allowed or host.endswith("." + allowed) for allowed in settings.PUSH_SERVICE_HOSTS)


class WebPushSender:
    """The real sender. One httpx client (kept-alive connections to each push service) and
    one signed VAPID header per push service, renewed every few hours."""

    def __init__(self, client: httpx.Client | None = None) -> None:
        self.client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False, http2=False)
        self._headers: dict[str, tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def _authorization(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = time.time()
        with self._lock:
            cached = self._headers.get(audience)
            if cached and now - cached[0] < _TOKEN_RENEW:
                return cached[1]
        claims = {"aud": audience, "exp": int(now) + _TOKEN_LIFE, "sub": settings.VAPID_SUBJECT}
        headers = dict(vapid.vapid_keys().vapid.sign(claims))
        with self._lock:
            self._headers[audience] = (now, headers)
        return headers

    def send(self, target: Target, payload: bytes, *, ttl: int, urgency: str, topic: str) -> PushResult:
        if not allowed_endpoint(target.endpoint):
            logger.warning("push not sent: the subscription names a host outside PUSH_SERVICE_HOSTS")
            return PushResult(status=404)  # treated as gone: the row is removed
        pusher = WebPusher({"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}})
        body = pusher.encode(payload, content_encoding="aes128gcm")["body"]
        headers = {
            **self._authorization(target.endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(ttl),
            "Urgency": urgency,
            # A message with the same topic still waiting at the push service is replaced,
            # so a retried send never reaches the browser twice.
            "Topic": topic,
        }
        try:
            response = self.client.post(target.endpoint, content=body, headers=headers)
        except httpx.HTTPError:
            # Never the endpoint in a log line: it identifies a person's browser.
            logger.info("push service not reached; will retry")
            return PushResult(status=0)
        if response.status_code in (401, 403):
            logger.warning("push refused (%s): check VAPID_SUBJECT and the VAPID key", response.status_code)
        return PushResult(status=response.status_code)


_sender: PushSender | None = None
_sender_lock = threading.Lock()


def get_sender() -> PushSender:
    global _sender
    with _sender_lock:
        if _sender is None:
            _sender = WebPushSender()
        return _sender


def set_sender(sender: PushSender | None) -> None:
    """Replaces the sender (tests and benchmarks use a fake one; None restores the real one)."""
    global _sender
    with _sender_lock:
        _sender = sender
