"""My data for groups: what a person exports, and what account deletion does.

- ``groups.messages`` (shared content): the person's messages are exported with their
  text; on deletion the text is erased and the author reference removed, and each row
  stays in its conversation as "message deleted" (so the thread still reads in order).
- ``groups.memberships`` (personal): memberships with display names and board choices,
  reactions given, reports made, the facilitator grant; deleted with the account.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction

from waypoint.core.events import send_event_on_commit
from waypoint.groups import announce, messaging, selectors
from waypoint.groups.counter import numbers_take
from waypoint.groups.events import message_event
from waypoint.groups.models import FacilitatorGrant, Membership, Message, Reaction, Report


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def messages_export(*, user: Any) -> list[dict[str, Any]]:
    rows = (
        Message.objects.select_related("data_key", "group", "group__data_key")
        .filter(author__user=user)
        .exclude(kind__in=[Message.Kind.JOINED, Message.Kind.LEFT])
        .order_by("group_id", "created_at")
    )
    return [
        {
            "group": message.group.name,
            "number": message.seq,
            "kind": message.kind,
            "state": message.state,
            "text": message.text,
            "written_at": _iso(message.created_at),
            "sent_at": _iso(message.sent_at),
            "edited_at": _iso(message.edited_at),
        }
        for message in rows
    ]


def messages_erase(*, user: Any) -> int:
    """Erases the person's messages in every group they were ever in (see module doc)."""
    memberships = list(Membership.objects.filter(user=user))
    return messaging.messages_erase_for(memberships=memberships, notify_self=False)


def memberships_export(*, user: Any) -> dict[str, Any]:
    memberships = Membership.objects.select_related("group", "group__data_key", "data_key").filter(user=user)
    reactions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for reaction in Reaction.objects.select_related("message").filter(member__user=user).order_by("created_at"):
        reactions[reaction.member_id].append(
            {"message_number": reaction.message.seq, "encouragement": reaction.kind, "at": _iso(reaction.created_at)}
        )
    reports: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for report in Report.objects.select_related("message").filter(reporter__user=user).order_by("created_at"):
        reports[report.reporter_id].append(
            {
                "message_number": report.message.seq,
                "reason": report.reason,
                "status": report.status,
                "at": _iso(report.created_at),
            }
        )
    return {
        "may_start_groups": FacilitatorGrant.objects.filter(user=user).exists(),
        "groups": [
            {
                "group": membership.group.name,
                "display_name": membership.display_name,
                "role": membership.role,
                "state": membership.state,
                "joined_at": _iso(membership.joined_at),
                "left_at": _iso(membership.left_at),
                "last_told_group_struggling_at": _iso(membership.last_struggling_at),
                "board_shows": {
                    "checked_in_today": membership.share_checkin,
                    "days_in_recovery": membership.share_days,
                    "mood": membership.share_mood,
                    "struggling": membership.share_struggling,
                },
                "encouragements_given": reactions.get(membership.pk, []),
                "reports_made": reports.get(membership.pk, []),
            }
            for membership in memberships.order_by("joined_at")
        ],
    }


def memberships_delete(*, user: Any) -> int:
    """Deletes the person's memberships, reactions, reports and facilitator grant. Messages
    they reacted to get a new number and are announced without the reaction. A group they
    facilitated is left without a facilitator (the operator's review lists it)."""
    deleted = 0
    with transaction.atomic():
        reacted: dict[int, set[int]] = defaultdict(set)
        for group_id, message_id in Reaction.objects.filter(member__user=user).values_list(
            "message__group_id", "message_id"
        ):
            reacted[group_id].add(message_id)
        deleted += Reaction.objects.filter(member__user=user).delete()[0]
        for group_id, message_ids in reacted.items():
            rows = list(
                Message.objects.select_related("data_key", "author", "author__data_key")
                .filter(pk__in=message_ids, seq__isnull=False)
                .order_by("seq")
            )
            if not rows:
                continue
            first = numbers_take(group_id=group_id, count=len(rows))
            for offset, message in enumerate(rows):
                message.rev = first + offset
            Message.objects.bulk_update(rows, ["rev"])
            recipients = [uid for uid in selectors.active_member_user_ids(group_id=group_id) if uid != user.pk]
            for message in rows:
                send_event_on_commit(event=message_event(message), to=recipients)
        group_ids = set(Membership.objects.filter(user=user).values_list("group_id", flat=True))
        deleted += Report.objects.filter(reporter__user=user).delete()[0]
        deleted += Membership.objects.filter(user=user).delete()[0]
        deleted += FacilitatorGrant.objects.filter(user=user).delete()[0]
        for group_id in group_ids:
            announce.queue_changed(group_id=group_id)
    return deleted
