"""Helpers shared by the test suites of every app (imported by tests only)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skips locally when something the test needs is missing; fails when CI=true,
    because CI always has every service, Chromium and ../shared."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing service or file is a failure, not a skip)")
    pytest.skip(reason)


def shared_data_path(*parts: str) -> Path:
    """Path of a file in ../shared/data, or a skip (a failure in CI) when it is absent."""
    path = Path(settings.SHARED_DATA_DIR).joinpath(*parts)
    if not path.exists():
        skip_or_fail(f"{path} is not here: the real data folder ../shared/data is absent")
    return path


# --- Realtime: captured events and WebSocket connections -------------------------------


class EventRecorder:
    """Every event sent through ``send_event_on_commit`` during a test, each validated
    against its declaration when sent (an undeclared or malformed event fails the test),
    then delivered as usual."""

    def __init__(self, deliver: Any) -> None:
        self._deliver = deliver
        self.sent: list[tuple[dict[str, Any], list[int]]] = []

    def __call__(self, payload: dict[str, Any], recipients: list[int]) -> None:
        from waypoint.core import events

        events.validate(payload)
        self.sent.append((payload, recipients))
        self._deliver(payload, recipients)

    def types(self) -> list[str]:
        return [payload["type"] for payload, _ in self.sent]

    def of_type(self, kind: str) -> list[tuple[dict[str, Any], list[int]]]:
        return [(payload, to) for payload, to in self.sent if payload["type"] == kind]

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Runs the on-commit callbacks of the block when it ends, as a real commit would
        (tests run inside a transaction that never commits)."""
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            yield


def ws_headers(user: Any | None) -> list[tuple[bytes, bytes]]:
    """Headers of a browser's WebSocket handshake: same-site Origin and the session cookie
    of `user` (none for anonymous)."""
    from django.conf import settings
    from django.test import Client

    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return headers


def ws_communicator(path: str, user: Any | None) -> Any:
    """A WebsocketCommunicator on the real ASGI application (Origin check, session auth,
    routing), signed in as `user`."""
    from channels.testing.websocket import WebsocketCommunicator

    from waypoint.asgi import application

    return WebsocketCommunicator(application, path, headers=ws_headers(user))
