"""Writes to a group's conversation: post, edit, delete, react, "I'm struggling".

The same functions serve the forms and the socket. Each one, in a single transaction:
checks the person through the chokepoint, takes the group's next number
(``counter.numbers_take`` — which also serialises every change to the group's messages),
saves, and announces the message's new state with ``send_event_on_commit``. So a message
is in the database, with its number, before anyone hears of it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.groups import announce, heldwords, notify, ratelimit, selectors
from waypoint.groups.counter import numbers_take
from waypoint.groups.errors import RateLimited, Refused
from waypoint.groups.models import Membership, Message, Reaction
from waypoint.groups.reactions import KEYS

WRITABLE_KINDS = (Message.Kind.TEXT, Message.Kind.STRUGGLING)


def clean_text(text: Any) -> str:
    """A message's text: trimmed, not empty, within GROUPS_MESSAGE_MAX_CHARS."""
    if not isinstance(text, str):
        raise Refused(_("Write a message first."), code="empty")
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise Refused(_("Write a message first."), code="empty")
    limit = settings.GROUPS_MESSAGE_MAX_CHARS
    if len(text) > limit:
        raise Refused(
            _("That message is too long: %(count)d characters. The most is %(limit)d.")
            % {"count": len(text), "limit": limit},
            code="too_long",
        )
    return text


def spend_write(*, user: Any) -> None:
    """Counts one write against the person's budget (GROUPS_WRITES_PER_MINUTE)."""
    allowed, retry_after = ratelimit.write_allowed(user_id=user.pk)
    if not allowed:
        raise RateLimited(_("You're sending messages quickly. Wait a moment, then try again."), retry_after=retry_after)


@dataclass(frozen=True)
class Posted:
    message: Message
    held: bool
    duplicate: bool = False
    held_reason: str = ""


def message_post(*, user: Any, group_id: int, text: Any, client_ref: str = "") -> Posted:
    """Posts a message — or, when it matches the held-words list (and the author is not
    the facilitator), keeps it for the facilitator's review without a number. Sending
    again with the same `client_ref` returns the first message instead of a second one."""
    text = clean_text(text)
    client_ref = (client_ref or "").strip()[:64]
    with transaction.atomic():
        membership = selectors.group_for_member(user=user, group_id=group_id, write=True)
        if client_ref:
            earlier = _by_ref(membership=membership, client_ref=client_ref)
            if earlier is not None:
                return Posted(message=earlier, held=earlier.state == Message.State.HELD, duplicate=True)
        spend_write(user=user)
        rule = None if membership.is_facilitator else heldwords.match(text, joined_at=membership.joined_at)
        message = Message(
            group_id=group_id,
            data_key_id=membership.group.data_key_id,
            author=membership,
            kind=Message.Kind.TEXT,
            text=text,
            client_ref=client_ref,
        )
        if rule is not None:
            message.state = Message.State.HELD
            message.held_rule = rule.name
        else:
            message.seq = message.rev = numbers_take(group_id=group_id)
            message.sent_at = timezone.now()
        # Field checks only: the group, key and author were just checked, and the
        # database's unique constraints stand behind the numbers (no extra queries).
        message.full_clean(exclude=["group", "data_key", "author"], validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            # The same client_ref sent twice at once: the first one won.
            earlier = _by_ref(membership=membership, client_ref=client_ref) if client_ref else None
            if earlier is None:
                raise
            return Posted(message=earlier, held=earlier.state == Message.State.HELD, duplicate=True)
        if rule is not None:
            announce.queue_changed(group_id=group_id)
        else:
            announce.message_changed(message, reactions={})
    return Posted(message=message, held=rule is not None, held_reason=rule.label() if rule else "")


def _by_ref(*, membership: Membership, client_ref: str) -> Message | None:
    return (
        Message.objects.select_related("data_key", "author", "author__data_key")
        .filter(group_id=membership.group_id, author=membership, client_ref=client_ref)
        .first()
    )


def _own_message(*, membership: Membership, message_id: int) -> Message:
    message = selectors.message_in_group(membership=membership, message_id=message_id)
    if message.author_id != membership.pk:
        raise Refused(_("You can only change your own messages."), code="not_yours")
    return message


def message_edit(*, user: Any, group_id: int, message_id: int, text: Any) -> Message:
    """The author changes the text of their own visible message."""
    text = clean_text(text)
    with transaction.atomic():
        membership = selectors.group_for_member(user=user, group_id=group_id, write=True)
        spend_write(user=user)
        number = numbers_take(group_id=group_id)  # the group's lock, before reading the message
        message = _own_message(membership=membership, message_id=message_id)
        if message.state != Message.State.VISIBLE or message.kind != Message.Kind.TEXT or message.seq is None:
            raise Refused(_("This message can no longer be changed."), code="not_editable")
        if not membership.is_facilitator and heldwords.match(text, joined_at=membership.joined_at):
            raise Refused(
                _("This change has words the group holds for review. Send it as a new message instead."),
                code="held_words",
            )
        message.text = text
        message.edited_at = timezone.now()
        message.rev = number
        message.save(update_fields=["text", "edited_at", "rev"])
        announce.message_changed(message)
    return message


def message_delete(*, user: Any, group_id: int, message_id: int) -> Message:
    """The author deletes their own message: it stays in the conversation as "message
    deleted", with no text and no reactions. A message still waiting for review is
    withdrawn. (Muted members may delete: taking words back is always allowed.)"""
    with transaction.atomic():
        membership = selectors.group_for_member(user=user, group_id=group_id)
        spend_write(user=user)
        message = _own_message(membership=membership, message_id=message_id)
        if message.seq is None:
            if message.state == Message.State.HELD:
                message.state = Message.State.DECLINED
                message.text = None
                message.save(update_fields=["state", "text"])
                announce.queue_changed(group_id=group_id)
            return message
        number = numbers_take(group_id=group_id)
        message.refresh_from_db(fields=["state"])
        if message.state == Message.State.DELETED or message.kind not in WRITABLE_KINDS:
            raise Refused(_("This message can no longer be changed."), code="not_editable")
        message.state = Message.State.DELETED
        message.text = None
        message.rev = number
        message.save(update_fields=["state", "text", "rev"])
        message.reactions.all().delete()
        announce.message_changed(message, reactions={})
        if message.reports.filter(status="open").exists():
            announce.queue_changed(group_id=group_id)
    return message


def reaction_set(*, user: Any, group_id: int, message_id: int, reaction: str, on: bool) -> Message:
    """Gives (`on`) or takes back an encouragement. Idempotent: no change, no number."""
    if reaction not in KEYS:
        raise Refused(_("That is not one of the encouragements."), code="invalid")
    with transaction.atomic():
        membership = selectors.group_for_member(user=user, group_id=group_id, write=True)
        spend_write(user=user)
        number = numbers_take(group_id=group_id)
        message = selectors.message_in_group(membership=membership, message_id=message_id)
        if message.seq is None or message.state != Message.State.VISIBLE or message.kind == Message.Kind.LEFT:
            raise Refused(_("This message can no longer be changed."), code="not_editable")
        existing = Reaction.objects.filter(message=message, member=membership, kind=reaction)
        if on == existing.exists():
            # Nothing changes: give the number back by undoing this transaction's work.
            transaction.set_rollback(True)
            return message
        if on:
            Reaction.objects.create(message=message, member=membership, kind=reaction)
        else:
            existing.delete()
        message.rev = number
        message.save(update_fields=["rev"])
        announce.message_changed(message)
    return message


# --- "I'm struggling" ----------------------------------------------------------------------


STRUGGLING_TOLD = "told"
STRUGGLING_FACILITATOR = "facilitator"
STRUGGLING_RECENTLY = "recently"


def struggling_tell_group(*, user: Any, group_id: int) -> str:
    """Tells the group that the person is having a hard time: a "struggling" message in
    the conversation (live to everyone with it open) and a discreet push to the others.

    Returns what happened: ``told``; ``recently`` (they told this group within
    GROUPS_STRUGGLING_COOLDOWN_MINUTES: no second alert); or ``facilitator`` (their
    messages are paused: the alert goes to the facilitator alone, so nobody is silenced
    when they most need someone, and nobody can use it to get round a pause).
    Whatever happens, the page that follows shows their own plan and the crisis lines.
    """
    with transaction.atomic():
        membership = selectors.group_for_member(user=user, group_id=group_id)
        Membership.objects.select_for_update().filter(pk=membership.pk).first()
        membership.refresh_from_db(fields=["last_struggling_at"])
        now = timezone.now()
        cooldown = timedelta(minutes=settings.GROUPS_STRUGGLING_COOLDOWN_MINUTES)
        if membership.last_struggling_at and now - membership.last_struggling_at < cooldown:
            return STRUGGLING_RECENTLY
        membership.last_struggling_at = now
        membership.save(update_fields=["last_struggling_at"])
        group_name = membership.group.name
        if membership.muted_now():
            recipients = [
                m.user
                for m in Membership.objects.select_related("user").filter(
                    group_id=group_id, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
                )
                if m.pk != membership.pk
            ]
            notify.struggling_push(
                recipients=recipients, group_id=group_id, group_name=group_name, sender_name=membership.display_name
            )
            return STRUGGLING_FACILITATOR
        number = numbers_take(group_id=group_id)
        message = Message(
            group_id=group_id,
            data_key_id=membership.group.data_key_id,
            author=membership,
            kind=Message.Kind.STRUGGLING,
            text=None,
            seq=number,
            rev=number,
            sent_at=now,
        )
        message.save()
        announce.message_changed(message, reactions={})
        others = [
            m.user
            for m in Membership.objects.select_related("user").filter(group_id=group_id, state=Membership.State.ACTIVE)
            if m.pk != membership.pk
        ]
        notify.struggling_push(
            recipients=others, group_id=group_id, group_name=group_name, sender_name=membership.display_name
        )
    return STRUGGLING_TOLD


# --- Helpers for other services -----------------------------------------------------------


def system_message_post(*, membership: Membership, kind: str) -> Message:
    """A "joined" or "left" line in the conversation (inside the caller's transaction)."""
    number = numbers_take(group_id=membership.group_id)
    message = Message(
        group_id=membership.group_id,
        data_key_id=membership.data_key_id,
        author=membership,
        kind=kind,
        text=None,
        seq=number,
        rev=number,
        sent_at=timezone.now(),
    )
    message.save()
    announce.message_changed(message, reactions={})
    return message


def messages_erase_for(*, memberships: list[Membership], notify_self: bool = True) -> int:
    """Erases every message of these memberships (account deletion, or leaving with
    "erase"): no text, no author, no reactions; each one in the conversation becomes
    "message deleted" with a new number, announced to the members. Returns rows erased."""
    by_group: dict[int, list[int]] = defaultdict(list)
    for membership in memberships:
        by_group[membership.group_id].append(membership.pk)
    erased = 0
    with transaction.atomic():
        for group_id, member_ids in by_group.items():
            rows = list(
                Message.objects.select_related("data_key")
                .filter(group_id=group_id, author_id__in=member_ids)
                .order_by("seq", "pk")
            )
            if not rows:
                continue
            numbered = [m for m in rows if m.seq is not None]
            first = numbers_take(group_id=group_id, count=len(numbered)) if numbered else 0
            for offset, message in enumerate(numbered):
                message.rev = first + offset
                message.state = Message.State.DELETED
            for message in rows:
                if message.seq is None:
                    message.state = Message.State.DECLINED
                message.text = None
                message.author = None
                message.client_ref = ""
                message.held_rule = ""
            Message.objects.bulk_update(rows, ["text", "author", "state", "rev", "client_ref", "held_rule"])
            Reaction.objects.filter(message__in=rows).delete()
            erased += len(rows)
            recipients = [
                uid
                for uid in selectors.active_member_user_ids(group_id=group_id)
                if notify_self or uid not in _user_ids(member_ids)
            ]
            if recipients:
                from waypoint.core.events import send_event_on_commit
                from waypoint.groups.events import message_event

                for message in numbered:
                    send_event_on_commit(event=message_event(message, reactions={}), to=recipients)
            announce.queue_changed(group_id=group_id)
    return erased


def _user_ids(member_ids: list[int]) -> set[int]:
    return set(Membership.objects.filter(pk__in=member_ids).values_list("user_id", flat=True))
