"""Realtime events: the one way anything is pushed to a browser.

Rules (after Zulip's ``send_event``):

- Every event type is declared once, as a pydantic model subclassing :class:`Event` and
  registered with :func:`declare`; its ``type`` field is a ``Literal`` naming it.
- :func:`send_event_on_commit` is the only function that sends. It is called from services
  only, with an explicit list of recipients (user ids), and it sends *after* the surrounding
  transaction commits — so a client never hears of something that was rolled back, and a
  chat message is in the database before anyone is told about it.
- The channel layer only announces. It is at-most-once (a Redis restart or a dropped
  phone connection loses what was in flight), so anything a client must not miss carries
  a sequence number and the client fetches what it missed from the database by number.

Each signed-in person's sockets listen on their own channel group (:func:`user_group`);
``realtime.PersonalConsumer`` delivers the events addressed to them.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from pydantic import BaseModel, ConfigDict

logger = logging.getLogger("waypoint.events")

# The Channels message type that carries an event to consumers (handled by `waypoint_event`).
CHANNEL_MESSAGE_TYPE = "waypoint.event"


class Event(BaseModel):
    """Base of every realtime event. Subclasses set ``type: Literal["..."] = "..."``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    type: str


Ev = TypeVar("Ev", bound=Event)
_DECLARED: dict[str, type[Event]] = {}


def declare(cls: type[Ev]) -> type[Ev]:
    """Registers an event type (a class decorator). A type name is declared once."""
    default = cls.model_fields["type"].default
    if not isinstance(default, str) or not default:
        raise TypeError(f"{cls.__name__} must give `type` a Literal default naming the event.")
    if default in _DECLARED and _DECLARED[default] is not cls:
        raise TypeError(f"Event type {default!r} is already declared by {_DECLARED[default].__name__}.")
    _DECLARED[default] = cls
    return cls


def declared() -> dict[str, type[Event]]:
    """Every declared event type, by name (for docs and tests)."""
    return dict(_DECLARED)


def validate(payload: dict[str, Any]) -> Event:
    """Parses a sent payload back against its declaration (raises on any mismatch)."""
    kind = payload.get("type")
    if kind not in _DECLARED:
        raise ValueError(f"Undeclared event type {kind!r}.")
    return _DECLARED[kind].model_validate(payload)


def user_group(user_id: int) -> str:
    """The channel group of one person's open sockets."""
    return f"user.{int(user_id)}"


@declare
class SessionClosed(Event):
    """The person's sockets must close now: they signed out everywhere, changed their
    password, deleted their account or were removed. Clients reconnect only after a
    fresh sign-in."""

    type: Literal["session.closed"] = "session.closed"
    reason: Literal["signed_out", "password_changed", "account_deleted"]


def send_event_on_commit(*, event: Event, to: Iterable[int]) -> None:
    """Sends `event` to the sockets of every person in `to`, once the current transaction
    commits (at once when there is none). The only way to push anything to a browser."""
    if type(event) not in _DECLARED.values():
        raise TypeError(f"{type(event).__name__} is not a declared event type.")
    recipients = sorted({int(user_id) for user_id in to})
    if not recipients:
        return
    payload = event.model_dump(mode="json")
    transaction.on_commit(lambda: _deliver(payload, recipients))


def _deliver(payload: dict[str, Any], recipients: list[int]) -> None:
    """The one boundary to the channel layer (tests capture events here)."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": CHANNEL_MESSAGE_TYPE, "event": payload}
    kind = payload.get("type")

    async def send_all() -> None:
        await asyncio.gather(*(layer.group_send(user_group(uid), message) for uid in recipients))

    loop = _server_loop()
    if loop is not None:
        # A service called from a consumer or view through sync_to_async runs in the one
        # thread that serves all sync code of this worker: hand the sends to the server's
        # own event loop and return, rather than hold that thread while Redis answers.
        future = asyncio.run_coroutine_threadsafe(send_all(), loop)
        future.add_done_callback(lambda done: _log_failure(done, kind))
        return
    try:
        async_to_sync(send_all)()
    except Exception:
        # The layer only announces: whoever missed this catches up from the database.
        logger.warning("event %s not announced (channel layer unavailable)", kind, exc_info=True)


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the async server this sync code was called from, if any."""
    from asgiref.sync import SyncToAsync

    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _log_failure(done: Any, kind: Any) -> None:
    if not done.cancelled() and done.exception() is not None:
        logger.warning("event %s not announced (channel layer unavailable)", kind, exc_info=done.exception())


# For tests: the function the capture fixture wraps.
Deliver = Callable[[dict[str, Any], list[int]], None]
