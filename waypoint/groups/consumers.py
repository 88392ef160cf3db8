"""``/ws/groups/<group_id>/``: one group's conversation, live (docs/realtime.md#groups).

On connect: the chokepoint (not a member → 4404), then everything after ``?after=<n>``
from the database, in order, then ``group.ready``, then live events. Client frames go
through the same services as the page's forms. The channel layer only announces; the
database is the record, and clients catch up by number.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from waypoint.core.access import NotAllowed, Policy
from waypoint.core.realtime import CLOSE_NOT_FOUND, PersonalConsumer
from waypoint.groups import messaging, moderation, selectors
from waypoint.groups.errors import Refused
from waypoint.groups.events import GroupAck, GroupError, GroupReady, message_event

CLOSE_TOO_MANY = 4429
CLOSE_TOO_BIG = 1009
MAX_FRAME_BYTES = 16 * 1024
# Refused frames (rate limit) a socket may send within a minute before it is closed.
STRIKES_PER_MINUTE = 5
BACKFILL_BATCH = 200


class GroupConsumer(PersonalConsumer):
    access_policy = Policy.GROUP_MEMBER

    async def authorize(self) -> None:
        self.group_id = int(self.scope["url_route"]["kwargs"]["group_id"])
        membership = await database_sync_to_async(selectors.group_for_member)(
            user=self.scope["user"], group_id=self.group_id
        )
        self.member_id = membership.pk
        self.role = membership.role
        self.floor = 0  # the highest number this socket has sent
        self.strikes: list[float] = []
        self.language = self._language()

    def _language(self) -> str:
        cookie = (self.scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        codes = {code for code, _name in settings.LANGUAGES}
        return cookie if cookie in codes else settings.LANGUAGE_CODE

    async def connected(self) -> None:
        after = self._after_parameter()
        await self._catch_up(after)
        # (Re-joining the channel group after a Redis restart: PersonalConsumer does it.)

    def _after_parameter(self) -> int | None:
        query = parse_qs((self.scope.get("query_string") or b"").decode("latin-1"))
        values = query.get("after")
        if not values:
            return None
        try:
            return max(0, int(values[0]))
        except ValueError:
            return None

    # --- Catching up from the database -----------------------------------------------

    async def _catch_up(self, after: int | None) -> None:
        sent = 0
        last, frames, more = await database_sync_to_async(self._backfill)(after)
        while True:
            for frame in frames:
                await self.send_json(frame)
                sent += 1
                self.floor = max(self.floor, frame["rev"])
            if not more:
                break
            cursor = frames[-1]["rev"]
            _last, frames, more = await database_sync_to_async(self._backfill)(cursor)
        last = max(last, self.floor)
        ready = GroupReady(group=self.group_id, member=self.member_id, role=self.role, last=last, sent=sent)
        await self.send_json(ready.model_dump(mode="json"))

    def _backfill(self, after: int | None) -> tuple[int, list[dict[str, Any]], bool]:
        """(the group's last number, frames to send, whether more follow), in one trip to
        the database thread: a heartbeat with nothing new costs one small query."""
        # Read the counter first: everything up to it is committed, so what is read below
        # reflects it; anything later arrives live (or by the next sync).
        last = selectors.last_number(group_id=self.group_id)
        if after is not None and after == last:
            return last, [], False
        if after is None or after > last:
            # No number, or one this group never reached (a client of another server, or of
            # a restored backup): the latest page, rather than miss anything.
            rows = selectors.latest_messages(group_id=self.group_id)
            return last, [message_event(m).model_dump(mode="json") for m in rows], False
        rows = selectors.changes_after(group_id=self.group_id, after=after, limit=BACKFILL_BATCH)
        frames = [message_event(m).model_dump(mode="json") for m in rows]
        return max(last, after), frames, len(rows) == BACKFILL_BATCH

    # --- Live events -------------------------------------------------------------------

    async def event_wanted(self, event: dict[str, Any]) -> bool:
        if event.get("group") != self.group_id:
            return False
        kind = event.get("type")
        if kind == "group.access_ended":
            await self.close(code=CLOSE_NOT_FOUND)
            return False
        if kind == "group.queue":
            return self.role == "facilitator"
        if kind == "group.message":
            # Already sent a newer (or the same) state of everything up to `floor`.
            if int(event.get("rev", 0)) <= self.floor:
                return False
            self.floor = int(event["rev"])
            return True
        return False

    # --- Client frames -----------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        raw = text_data if text_data is not None else (bytes_data or b"").decode("utf-8", "replace")
        if len(raw.encode("utf-8")) > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        try:
            content = json.loads(raw)
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self._invalid(None, "Not a JSON object.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type")
        ref = content.get("ref")
        ref = str(ref)[:64] if ref is not None else None
        if kind == "sync":
            after = content.get("after")
            if not isinstance(after, int) or isinstance(after, bool) or after < 0:
                await self._invalid(ref, "`after` must be a whole number, 0 or more.")
                return
            await self._catch_up(after)
            return
        handler = {
            "send": self._send,
            "edit": self._edit,
            "delete": self._delete,
            "react": self._react,
            "report": self._report,
        }.get(kind)
        if handler is None:
            await self._invalid(ref, "Unknown frame type.")
            return
        try:
            ack = await database_sync_to_async(self._in_language(handler))(content, ref)
        except NotAllowed:
            # Either the message is not in this group, or the person is no longer in it.
            if await database_sync_to_async(self._still_member)():
                await self._error(ref, Refused(self._words_not_found(), code="not_found"))
            else:
                await self.close(code=CLOSE_NOT_FOUND)
            return
        except Refused as refused:
            await self._error(ref, refused)
            return
        await self.send_json(ack.model_dump(mode="json"))

    def _in_language(self, handler: Any) -> Any:
        """Runs a frame's handler with the person's language active, so that a refusal's
        words (made where it is raised) are theirs."""

        def run(content: dict[str, Any], ref: str | None) -> GroupAck:
            with translation.override(self.language):
                return handler(content, ref)

        return run

    def _still_member(self) -> bool:
        try:
            selectors.group_for_member(user=self.scope["user"], group_id=self.group_id)
        except NotAllowed:
            return False
        return True

    def _words_not_found(self) -> str:
        with translation.override(self.language):
            return str(_("That message is not in this group."))

    def _message_id(self, content: dict[str, Any]) -> int:
        value = content.get("id")
        if not isinstance(value, int) or isinstance(value, bool):
            raise Refused("`id` must be a message id.", code="invalid")
        return value

    def _user(self) -> Any:
        return self.scope["user"]

    def _send(self, content: dict[str, Any], ref: str | None) -> GroupAck:
        posted = messaging.message_post(
            user=self._user(), group_id=self.group_id, text=content.get("text"), client_ref=ref or ""
        )
        return GroupAck(group=self.group_id, ref=ref, id=posted.message.pk, seq=posted.message.seq, held=posted.held)

    def _edit(self, content: dict[str, Any], ref: str | None) -> GroupAck:
        message = messaging.message_edit(
            user=self._user(), group_id=self.group_id, message_id=self._message_id(content), text=content.get("text")
        )
        return GroupAck(group=self.group_id, ref=ref, id=message.pk, seq=message.seq)

    def _delete(self, content: dict[str, Any], ref: str | None) -> GroupAck:
        message = messaging.message_delete(
            user=self._user(), group_id=self.group_id, message_id=self._message_id(content)
        )
        return GroupAck(group=self.group_id, ref=ref, id=message.pk, seq=message.seq)

    def _react(self, content: dict[str, Any], ref: str | None) -> GroupAck:
        on = content.get("on")
        if not isinstance(on, bool):
            raise Refused("`on` must be true or false.", code="invalid")
        message = messaging.reaction_set(
            user=self._user(),
            group_id=self.group_id,
            message_id=self._message_id(content),
            reaction=str(content.get("reaction", "")),
            on=on,
        )
        return GroupAck(group=self.group_id, ref=ref, id=message.pk, seq=message.seq)

    def _report(self, content: dict[str, Any], ref: str | None) -> GroupAck:
        report = moderation.report_create(
            user=self._user(),
            group_id=self.group_id,
            message_id=self._message_id(content),
            reason=str(content.get("reason", "")),
        )
        return GroupAck(group=self.group_id, ref=ref, id=report.message_id, seq=report.message.seq)

    async def _invalid(self, ref: str | None, why: str) -> None:
        """A malformed frame: the detail is for the client's developer, in English."""
        await self._error(ref, Refused(why, code="invalid"))

    async def _error(self, ref: str | None, refused: Refused) -> None:
        error = GroupError(
            group=self.group_id,
            ref=ref,
            code=refused.code,  # type: ignore[arg-type]
            detail=str(refused.message),
            retry_after=refused.retry_after if refused.code in ("rate_limited", "muted") else None,
        )
        await self.send_json(error.model_dump(mode="json"))
        if refused.code == "rate_limited":
            now = time.monotonic()
            self.strikes = [t for t in self.strikes if now - t < 60] + [now]
            if len(self.strikes) > STRIKES_PER_MINUTE:
                await self.close(code=CLOSE_TOO_MANY)
