"""What services tell people after a change: events (after commit), the audit log.

Called only from services, inside their transaction: ``send_event_on_commit`` sends once
the change is committed, so nobody hears of a message before it is in the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from waypoint.core.events import send_event_on_commit
from waypoint.groups import selectors
from waypoint.groups.events import GroupAccessEnded, GroupQueue, message_event
from waypoint.groups.models import Membership, Message, ModerationAction


def message_changed(message: Message, *, reactions: dict[str, list[int]] | None = None) -> None:
    """Announces a message's current state to every active member of its group."""
    send_event_on_commit(
        event=message_event(message, reactions=reactions),
        to=selectors.active_member_user_ids(group_id=message.group_id),
    )


def queue_changed(*, group_id: int) -> None:
    """Tells the facilitator how many things wait for them now."""
    to = selectors.facilitator_user_ids(group_id=group_id)
    if to:
        send_event_on_commit(
            event=GroupQueue(group=group_id, pending=selectors.pending_count(group_id=group_id)), to=to
        )


def access_ended(*, membership: Membership, reason: str) -> None:
    """Closes the person's open sockets for the group at once."""
    send_event_on_commit(
        event=GroupAccessEnded(group=membership.group_id, reason=reason),  # type: ignore[arg-type]
        to=[membership.user_id],
    )


def audit(
    *,
    group_id: int,
    action: str,
    actor: Any = None,
    by_operator: bool = False,
    member: Membership | None = None,
    message: Message | None = None,
    until: datetime | None = None,
) -> ModerationAction:
    return ModerationAction.objects.create(
        group_id=group_id,
        action=action,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        by_operator=by_operator,
        member=member,
        message=message,
        until=until,
    )
