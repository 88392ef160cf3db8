"""Fixtures of the reminders tests: a fake push service at the sender boundary, a VAPID key
of the test's own, and helpers to set a person up."""

from __future__ import annotations

import base64
import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from waypoint.core import crypto
from waypoint.reminders import push, services, vapid
from waypoint.reminders.models import PushSubscription

ENDPOINT = "https://fcm.googleapis.com/fcm/send/"


@dataclass
class FakePushService:
    """Records every message; answers 201 unless told otherwise for an endpoint."""

    sent: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_send: Any = None

    def send(self, target: push.Target, payload: bytes, *, ttl: int, urgency: str, topic: str) -> push.PushResult:
        import json

        if self.on_send is not None:
            self.on_send(target)
        with self.lock:
            queue = self.answers.get(target.endpoint)
            status = queue.pop(0) if queue else 201
            self.sent.append((target.endpoint, json.loads(payload), {"ttl": ttl, "urgency": urgency, "topic": topic}))
        return push.PushResult(status=status)

    def bodies(self) -> list[str]:
        return [payload["body"] for _endpoint, payload, _meta in self.sent]


@pytest.fixture
def fake_push() -> Any:
    service = FakePushService()
    push.set_sender(service)
    yield service
    push.set_sender(None)


@pytest.fixture(autouse=True)
def _own_keys(settings: Any) -> Any:
    """A VAPID key of this test's own (never var/'s), and no cached data keys."""
    settings.VAPID_PRIVATE_KEY = vapid.new_private_raw()
    settings.VAPID_PUBLIC_KEY = ""
    vapid.forget()
    crypto.forget_cached_keys()
    yield
    vapid.forget()
    crypto.forget_cached_keys()


def browser_keys() -> tuple[ec.EllipticCurvePrivateKey, str, bytes, str]:
    """A browser's push keys: (private key, p256dh, auth secret, auth) as the Push API gives them."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    secret = b"0123456789abcdef"
    return private, vapid.b64url(public), secret, base64.urlsafe_b64encode(secret).decode().rstrip("=")


def subscribe(user: Any, name: str = "") -> PushSubscription:
    _private, p256dh, _secret, auth = browser_keys()
    return services.push_subscription_save(
        user=user, endpoint=ENDPOINT + (name or f"u{user.pk}"), p256dh=p256dh, auth=auth
    )


def set_up(user: Any, **choices: Any) -> Any:
    """Reminder settings for `user` (discreet, by push unless told), then the schedule."""
    values: dict[str, Any] = {
        "channel": "push",
        "wording": "discreet",
        "email": None,
        "quiet_start": None,
        "quiet_end": None,
        "language": "en",
        "origin": "https://help.example.org",
    }
    values.update(choices)
    return services.reminder_settings_save(user=user, **values)


def at(day: str, clock: str, zone: str) -> dt.datetime:
    """An aware moment from a local date and time (for readable tests)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZoneInfo(zone))
