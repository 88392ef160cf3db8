"""The WebSocket side of realtime events: a consumer base every realtime feature uses.

A consumer declares its ``access_policy`` (like every URL, see waypoint.core.access) and:

- accepts only a signed-in person (the session cookie, read by Channels'
  ``AuthMiddlewareStack``; a signed-out or stale session is closed with 4401);
- asks its :meth:`authorize` hook — which calls the app's chokepoint, e.g.
  ``group_for_member`` — and closes with 4404 on ``NotAllowed`` (the WebSocket's 404);
- joins the person's channel group, so :func:`waypoint.core.events.send_event_on_commit`
  reaches it, and closes at once (4001) on a ``session.closed`` event;
- passes every other event to :meth:`event_wanted` (default: all) before sending it.

Consumers stay thin: reads and writes go through the app's selectors and services, run
with ``database_sync_to_async``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, ClassVar

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.security.websocket import OriginValidator
from django.conf import settings

from waypoint.core.access import NotAllowed, Policy
from waypoint.core.events import user_group

logger = logging.getLogger("waypoint.realtime")

# Close codes (4000–4999 are the application's own): documented in docs/realtime.md.
CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_SESSION_ENDED = 4001
# The channel layer (Redis) went away: the socket closes and the client reconnects with
# backoff, then catches up from the database (WebSocket's own "try again later").
CLOSE_TRY_AGAIN = 1013
# Re-joining the person's channel group now and then: a restarted Redis forgets group
# memberships (and channels_redis expires them after a day), which would leave an open
# socket deaf. What was missed meanwhile is caught up from the database by sequence number.
REJOIN_SECONDS = 30


class SameSiteOriginValidator(OriginValidator):
    """Accepts a WebSocket only from a page of this site (Origin among ALLOWED_HOSTS), so
    another site cannot open a socket with a visitor's cookies. Unlike Channels' factory
    it reads ALLOWED_HOSTS when each socket opens, not once at import."""

    def __init__(self, application: Any) -> None:
        super().__init__(application, [])

    def valid_origin(self, parsed_origin: Any) -> bool:
        self.allowed_origins = list(settings.ALLOWED_HOSTS)
        return bool(super().valid_origin(parsed_origin))


def _layer_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [ConnectionError, OSError]
    with contextlib.suppress(ImportError):
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    return tuple(errors)


_LAYER_DOWN = _layer_errors()


class PersonalConsumer(AsyncJsonWebsocketConsumer):
    access_policy: ClassVar[Policy] = Policy.SIGNED_IN

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # A Redis restart breaks the consumer's wait on its channel: close the socket with
        # "try again later" (the client reconnects and catches up from the database)
        # instead of letting the server log a crash and drop the connection.
        try:
            await super().__call__(scope, receive, send)
        except _LAYER_DOWN:
            logger.warning("realtime: channel layer unavailable; closing a socket so its client reconnects")
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        try:
            await self.authorize()
        except NotAllowed:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.user_id = int(user.pk)
        self.joined_group = user_group(self.user_id)
        try:
            await self.channel_layer.group_add(self.joined_group, self.channel_name)
        except _LAYER_DOWN:
            # Redis is restarting: say "try again later" rather than fail the handshake.
            logger.warning("realtime: channel layer unavailable at connect")
            await self.accept()
            await self.close(code=CLOSE_TRY_AGAIN)
            return
        await self.accept()
        await self.connected()
        self._rejoin_task = asyncio.ensure_future(self._rejoin_now_and_then())

    async def disconnect(self, code: int) -> None:
        task = getattr(self, "_rejoin_task", None)
        if task is not None:
            task.cancel()
        group = getattr(self, "joined_group", None)
        if group:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _rejoin_now_and_then(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            while True:
                await asyncio.sleep(REJOIN_SECONDS)
                with contextlib.suppress(Exception):  # Redis down: try again next time
                    await self.channel_layer.group_add(self.joined_group, self.channel_name)

    async def authorize(self) -> None:
        """Raises NotAllowed when this person may not open this socket (override)."""

    async def connected(self) -> None:
        """Runs once the socket is accepted, e.g. to send what the client missed (override)."""

    async def event_wanted(self, event: dict[str, Any]) -> bool:
        """Whether this socket forwards `event` (override to filter, e.g. by group)."""
        return True

    async def waypoint_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        if event.get("type") == "session.closed":
            await self.close(code=CLOSE_SESSION_ENDED)
            return
        if await self.event_wanted(event):
            await self.send_json(event)


class MyEventsConsumer(PersonalConsumer):
    """``/ws/me/``: every event addressed to the signed-in person (reminders shown in the
    page, "someone answered you", ...), for pages that are not a group's."""

    access_policy = Policy.SIGNED_IN
