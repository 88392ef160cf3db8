"""Moderation: reports, the facilitator's queue and its actions, the operator's review.

Every step is written to the audit log (``ModerationAction``). The facilitator acts on
their own group through ``group_for_facilitator``; an operator (verified staff, checked
by the page's STAFF policy) acts on any group with ``as_operator=True``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.core.access import NotAllowed
from waypoint.groups import announce, messaging, selectors
from waypoint.groups.counter import numbers_take
from waypoint.groups.errors import Refused
from waypoint.groups.models import Group, Membership, Message, ModerationAction, Report

Action = ModerationAction.Action
MUTE_CHOICES_MINUTES = (60, 24 * 60, 7 * 24 * 60)


def report_create(*, user: Any, group_id: int, message_id: int, reason: str) -> Report:
    """A member reports someone else's message. At GROUPS_REPORTS_TO_HIDE open reports it
    is hidden until the facilitator (or an operator) looks at it. Muted members may
    report: being paused never stops anyone asking for help with a problem."""
    if reason not in Report.Reason.values:
        raise Refused(_("Choose a reason."), code="invalid")
    with transaction.atomic():
        membership = selectors.group_for_member(user=user, group_id=group_id)
        messaging.spend_write(user=user)
        message = selectors.message_in_group(membership=membership, message_id=message_id)
        if message.seq is None or message.kind != Message.Kind.TEXT or message.state == Message.State.DELETED:
            raise Refused(_("This message cannot be reported."), code="not_editable")
        if message.author_id == membership.pk:
            raise Refused(_("This is your own message. You can delete it instead."), code="not_yours")
        try:
            with transaction.atomic():
                report = Report.objects.create(message=message, reporter=membership, reason=reason)
        except IntegrityError:
            raise Refused(_("You already reported this message."), code="already_reported") from None
        open_reports = Report.objects.filter(message=message, status=Report.Status.OPEN).count()
        if open_reports >= settings.GROUPS_REPORTS_TO_HIDE and message.state == Message.State.VISIBLE:
            _set_state(message, Message.State.HIDDEN)
            announce.audit(group_id=group_id, action=Action.AUTO_HIDE, message=message, member=message.author)
        announce.queue_changed(group_id=group_id)
    return report


def _set_state(message: Message, state: str) -> None:
    """Changes a message's state with a new number, and announces it."""
    message.rev = numbers_take(group_id=message.group_id)
    message.state = state
    message.hidden_at = timezone.now() if state == Message.State.HIDDEN else None
    message.save(update_fields=["rev", "state", "hidden_at"])
    announce.message_changed(message)


def _scope(*, user: Any, group_id: int, as_operator: bool) -> Membership | None:
    """The facilitator's membership, or None for an operator (who must be staff)."""
    if as_operator:
        if not (user.is_authenticated and user.is_active and user.is_staff):
            raise NotAllowed()
        if not Group.objects.filter(pk=group_id).exists():
            raise NotAllowed()
        return None
    return selectors.group_for_facilitator(user=user, group_id=group_id)


def _message(*, group_id: int, message_id: int) -> Message:
    message = (
        Message.objects.select_related("data_key", "author", "author__data_key")
        .filter(pk=message_id, group_id=group_id)
        .first()
    )
    if message is None:
        raise NotAllowed()
    return message


def _resolve_reports(message: Message, status: str) -> int:
    return Report.objects.filter(message=message, status=Report.Status.OPEN).update(
        status=status, resolved_at=timezone.now()
    )


def message_hide(*, user: Any, group_id: int, message_id: int, as_operator: bool = False) -> Message:
    """Hides a message (or confirms an automatic hide); its open reports are upheld."""
    with transaction.atomic():
        _scope(user=user, group_id=group_id, as_operator=as_operator)
        message = _message(group_id=group_id, message_id=message_id)
        if message.seq is None or message.state not in (Message.State.VISIBLE, Message.State.HIDDEN):
            raise ValidationError(_("This message cannot be hidden."))
        if message.state == Message.State.VISIBLE:
            _set_state(message, Message.State.HIDDEN)
        _resolve_reports(message, Report.Status.UPHELD)
        announce.audit(
            group_id=group_id,
            action=Action.HIDE,
            actor=user,
            by_operator=as_operator,
            message=message,
            member=message.author,
        )
        announce.queue_changed(group_id=group_id)
    return message


def message_restore(*, user: Any, group_id: int, message_id: int, as_operator: bool = False) -> Message:
    """Shows a hidden message again, or keeps a reported one; its open reports are dismissed."""
    with transaction.atomic():
        _scope(user=user, group_id=group_id, as_operator=as_operator)
        message = _message(group_id=group_id, message_id=message_id)
        if message.seq is None or message.state not in (Message.State.VISIBLE, Message.State.HIDDEN):
            raise ValidationError(_("This message cannot be shown again."))
        was_hidden = message.state == Message.State.HIDDEN
        if was_hidden:
            _set_state(message, Message.State.VISIBLE)
        _resolve_reports(message, Report.Status.DISMISSED)
        announce.audit(
            group_id=group_id,
            action=Action.RESTORE if was_hidden else Action.DISMISS,
            actor=user,
            by_operator=as_operator,
            message=message,
            member=message.author,
        )
        announce.queue_changed(group_id=group_id)
    return message


def held_release(*, user: Any, group_id: int, message_id: int) -> Message:
    """Posts a held message: it takes its number now, and everyone sees it."""
    with transaction.atomic():
        _scope(user=user, group_id=group_id, as_operator=False)
        number = numbers_take(group_id=group_id)
        message = _message(group_id=group_id, message_id=message_id)
        if message.state != Message.State.HELD:
            raise ValidationError(_("This message is no longer waiting."))
        message.state = Message.State.VISIBLE
        message.seq = message.rev = number
        message.sent_at = timezone.now()
        message.save(update_fields=["state", "seq", "rev", "sent_at"])
        announce.message_changed(message, reactions={})
        announce.audit(group_id=group_id, action=Action.RELEASE, actor=user, message=message, member=message.author)
        announce.queue_changed(group_id=group_id)
    return message


def held_decline(*, user: Any, group_id: int, message_id: int) -> Message:
    """Does not post a held message; its text is not kept."""
    with transaction.atomic():
        _scope(user=user, group_id=group_id, as_operator=False)
        message = _message(group_id=group_id, message_id=message_id)
        if message.state != Message.State.HELD:
            raise ValidationError(_("This message is no longer waiting."))
        message.state = Message.State.DECLINED
        message.text = None
        message.save(update_fields=["state", "text"])
        announce.audit(group_id=group_id, action=Action.DECLINE, actor=user, message=message, member=message.author)
        announce.queue_changed(group_id=group_id)
    return message


def _target(*, user: Any, group_id: int, member_id: int, as_operator: bool) -> tuple[Membership | None, Membership]:
    facilitator = _scope(user=user, group_id=group_id, as_operator=as_operator)
    member = Membership.objects.select_related("data_key").filter(pk=member_id, group_id=group_id).first()
    if member is None:
        raise NotAllowed()
    if facilitator is not None and member.pk == facilitator.pk:
        raise ValidationError(_("You cannot do this to yourself."))
    if member.is_facilitator and not as_operator:
        raise ValidationError(_("Only an operator can do this to a facilitator."))
    return facilitator, member


def _target_member(*, user: Any, group_id: int, member_id: int, as_operator: bool) -> Membership:
    return _target(user=user, group_id=group_id, member_id=member_id, as_operator=as_operator)[1]


def member_mute(*, user: Any, group_id: int, member_id: int, minutes: int, as_operator: bool = False) -> Membership:
    """Pauses a member's messages and reactions for a time (they can still read, report,
    delete their own words and press "I'm struggling")."""
    if minutes not in MUTE_CHOICES_MINUTES:
        raise ValidationError(_("Choose how long."))
    with transaction.atomic():
        member = _target_member(user=user, group_id=group_id, member_id=member_id, as_operator=as_operator)
        if member.state != Membership.State.ACTIVE:
            raise ValidationError(_("This person is not in the group."))
        member.muted_until = timezone.now() + timedelta(minutes=minutes)
        member.save(update_fields=["muted_until"])
        announce.audit(
            group_id=group_id,
            action=Action.MUTE,
            actor=user,
            by_operator=as_operator,
            member=member,
            until=member.muted_until,
        )
    return member


def member_unmute(*, user: Any, group_id: int, member_id: int, as_operator: bool = False) -> Membership:
    with transaction.atomic():
        member = _target_member(user=user, group_id=group_id, member_id=member_id, as_operator=as_operator)
        member.muted_until = None
        member.save(update_fields=["muted_until"])
        announce.audit(group_id=group_id, action=Action.UNMUTE, actor=user, by_operator=as_operator, member=member)
    return member


def member_remove(*, user: Any, group_id: int, member_id: int, as_operator: bool = False) -> Membership:
    """Removes a member: every page of the group answers them 404 from now on, their
    open sockets close at once, and invites no longer let them back in until a
    facilitator allows it. Nothing is posted to the group about it."""
    with transaction.atomic():
        member = _target_member(user=user, group_id=group_id, member_id=member_id, as_operator=as_operator)
        if member.state != Membership.State.ACTIVE:
            raise ValidationError(_("This person is not in the group."))
        member.state = Membership.State.REMOVED
        member.left_at = timezone.now()
        member.role = Membership.Role.MEMBER
        member.muted_until = None
        member.save(update_fields=["state", "left_at", "role", "muted_until"])
        announce.access_ended(membership=member, reason="removed")
        announce.audit(group_id=group_id, action=Action.REMOVE, actor=user, by_operator=as_operator, member=member)
    return member


def member_allow_back(*, user: Any, group_id: int, member_id: int, as_operator: bool = False) -> Membership:
    """Lets a removed person join again (with a new invite)."""
    with transaction.atomic():
        member = _target_member(user=user, group_id=group_id, member_id=member_id, as_operator=as_operator)
        if member.state != Membership.State.REMOVED:
            raise ValidationError(_("This person was not removed."))
        member.state = Membership.State.LEFT
        member.save(update_fields=["state"])
        announce.audit(group_id=group_id, action=Action.ALLOW_BACK, actor=user, by_operator=as_operator, member=member)
    return member
