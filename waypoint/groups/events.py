"""Every frame the groups socket sends, declared once (docs/realtime.md#groups lists them).

``group.message``, ``group.queue`` and ``group.access_ended`` are events: services send
them with ``send_event_on_commit`` to people's channel groups. ``group.ready``,
``group.ack`` and ``group.error`` are the consumer's answers on one socket; they are
declared here too so that tests validate them and the protocol has one description.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from waypoint.core.events import Event, declare
from waypoint.groups.models import Message
from waypoint.groups.reactions import KEYS

MessageKind = Literal["text", "struggling", "joined", "left"]
MessageState = Literal["visible", "deleted", "hidden"]
ReactionKey = Literal["heart", "strong", "hug", "clap"]
ErrorCode = Literal[
    "rate_limited",
    "too_long",
    "empty",
    "muted",
    "agreement",
    "not_found",
    "not_yours",
    "not_editable",
    "held_words",
    "already_reported",
    "invalid",
]


class Author(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    member: int
    name: str


@declare
class GroupMessage(Event):
    """A message as it is now (posted, or changed: edited, deleted, reactions, hidden...)."""

    type: Literal["group.message"] = "group.message"
    group: int
    id: int
    seq: int
    rev: int
    kind: MessageKind
    state: MessageState
    author: Author | None
    text: str | None
    sent_at: datetime
    edited: bool
    reactions: dict[ReactionKey, list[int]]


@declare
class GroupReady(Event):
    """The catch-up after connecting (or after a `sync` frame) is complete."""

    type: Literal["group.ready"] = "group.ready"
    group: int
    member: int
    role: Literal["member", "facilitator"]
    last: int
    sent: int


@declare
class GroupAck(Event):
    """A client frame was done."""

    type: Literal["group.ack"] = "group.ack"
    group: int
    ref: str | None
    id: int | None
    seq: int | None
    held: bool = False


@declare
class GroupError(Event):
    """A client frame was refused; nothing changed."""

    type: Literal["group.error"] = "group.error"
    group: int
    ref: str | None
    code: ErrorCode
    detail: str
    retry_after: int | None = None


@declare
class GroupQueue(Event):
    """To the facilitator: how many things wait in the moderation queue."""

    type: Literal["group.queue"] = "group.queue"
    group: int
    pending: int


@declare
class GroupAccessEnded(Event):
    """To a person who left or was removed: their sockets for the group close (4404).
    Handled by the consumer, never forwarded to a client."""

    type: Literal["group.access_ended"] = "group.access_ended"
    group: int
    reason: Literal["left", "removed"]


def message_event(message: Message, *, reactions: dict[str, list[int]] | None = None) -> GroupMessage:
    """The `group.message` for a message of the conversation (it has a number)."""
    from waypoint.groups.selectors import reactions_by_kind

    if message.seq is None or message.rev is None:
        raise ValueError("A held message is not part of the conversation yet.")
    visible = message.state == Message.State.VISIBLE
    author = None
    if message.author is not None:
        author = Author(member=message.author.pk, name=message.author.display_name)
    found = reactions if reactions is not None else reactions_by_kind(message)
    return GroupMessage(
        group=message.group_id,
        id=message.pk,
        seq=message.seq,
        rev=message.rev,
        kind=message.kind,  # type: ignore[arg-type]
        state=message.state if message.state in ("visible", "deleted", "hidden") else "hidden",  # type: ignore[arg-type]
        author=author,
        text=message.text if visible and message.kind in ("text", "struggling") else None,
        sent_at=message.sent_at or message.created_at,
        edited=message.edited_at is not None,
        reactions={key: list(found.get(key, [])) for key in KEYS},  # type: ignore[misc]
    )
