"""Reads, and the access chokepoints every page, socket and service goes through.

``group_for_member`` is the one way to a group: pages, the consumer and every service call
it, so a person who never was, left, or was removed gets the same 404 everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.core.access import NotAllowed
from waypoint.groups.errors import AgreementPending, MemberMuted
from waypoint.groups.models import FacilitatorGrant, Invite, Membership, Message, Reaction, Report
from waypoint.groups.reactions import KEYS

PAGE_SIZE = 50


# --- The chokepoints ---------------------------------------------------------------------


def group_for_member(*, user: Any, group_id: int, write: bool = False, facilitate: bool = False) -> Membership:
    """The person's own active membership of the group (``.group`` is the group).

    NotAllowed (a 404) when there is no such group, or the person is not in it, left it or
    was removed from it, or — with ``facilitate`` — is not its facilitator. With ``write``,
    also MemberMuted or AgreementPending (``errors.Refused``) when they may not post now (paused by the facilitator, or the group
    agreement changed and they have not accepted it yet).
    """
    user_id = getattr(user, "pk", None)
    if user_id is None:
        raise NotAllowed()
    membership = (
        Membership.objects.select_related("group", "group__data_key", "data_key")
        .filter(group_id=group_id, user_id=user_id)
        .first()
    )
    if membership is None:
        raise NotAllowed()
    if not user.is_active:
        raise NotAllowed()
    if membership.state != Membership.State.ACTIVE:
        raise NotAllowed()
    if facilitate and membership.role != Membership.Role.FACILITATOR:
        raise NotAllowed()
    if write and membership.muted_now():
        until = membership.muted_until or timezone.now()  # muted_now() means it is set
        raise MemberMuted(
            _("The facilitator paused your messages in this group until %(time)s.")
            % {"time": timezone.localtime(until).strftime("%Y-%m-%d %H:%M %Z")},
            retry_after=max(1, int((until - timezone.now()).total_seconds())),
        )
    if write and membership.agreement_version < membership.group.agreement_version:
        raise AgreementPending(_("The group agreement changed. Read it and accept it to post again."))
    return membership


def group_for_facilitator(*, user: Any, group_id: int) -> Membership:
    """The facilitator's own membership of the group; NotAllowed for anyone else."""
    return group_for_member(user=user, group_id=group_id, facilitate=True)


def message_in_group(*, membership: Membership, message_id: int) -> Message:
    """A message of the member's group that members may see (not held or declined, unless
    it is the person's own). NotAllowed otherwise."""
    message = (
        Message.objects.select_related("data_key", "author", "author__data_key")
        .filter(pk=message_id, group_id=membership.group_id)
        .first()
    )
    if message is None:
        raise NotAllowed()
    if message.seq is None and message.author_id != membership.pk:
        raise NotAllowed()
    return message


def member_of_group(*, facilitator: Membership, member_id: int) -> Membership:
    """Another membership of the facilitator's group (any state), for moderation."""
    member = Membership.objects.select_related("data_key", "user").filter(pk=member_id).first()
    if member is None:
        raise NotAllowed()
    if member.group_id != facilitator.group_id:
        raise NotAllowed()
    return member


# --- Who may do what ---------------------------------------------------------------------


def may_start_groups(*, user: Any) -> bool:
    """Whether the person may start a group: the deployment allows anyone, or an operator
    made them a facilitator, or they are an operator."""
    if not user.is_authenticated:
        return False
    if settings.GROUPS_ANYONE_CAN_START:
        return True
    if user.is_staff:
        return True
    return FacilitatorGrant.objects.filter(user_id=user.pk).exists()


# --- Reads -------------------------------------------------------------------------------


def my_memberships(*, user: Any) -> list[Membership]:
    """The person's active groups, newest first, with member counts."""
    return list(
        Membership.objects.select_related("group", "group__data_key", "data_key")
        .filter(user_id=user.pk, state=Membership.State.ACTIVE)
        .annotate(members=Count("group__memberships", filter=Q(group__memberships__state=Membership.State.ACTIVE)))
        .order_by("-joined_at")
    )


def active_members(*, group_id: int) -> list[Membership]:
    return list(
        Membership.objects.select_related("data_key")
        .filter(group_id=group_id, state=Membership.State.ACTIVE)
        .order_by("joined_at", "pk")
    )


def active_member_user_ids(*, group_id: int) -> list[int]:
    return list(
        Membership.objects.filter(group_id=group_id, state=Membership.State.ACTIVE).values_list("user_id", flat=True)
    )


def active_count(*, group_id: int) -> int:
    return Membership.objects.filter(group_id=group_id, state=Membership.State.ACTIVE).count()


def facilitator_user_ids(*, group_id: int) -> list[int]:
    return list(
        Membership.objects.filter(
            group_id=group_id, state=Membership.State.ACTIVE, role=Membership.Role.FACILITATOR
        ).values_list("user_id", flat=True)
    )


def _conversation(group_id: int) -> QuerySet[Message]:
    """Messages as members see them, with everything a page or an event needs in few queries."""
    return (
        Message.objects.filter(group_id=group_id, seq__isnull=False)
        .select_related("data_key", "author", "author__data_key")
        .prefetch_related(Prefetch("reactions", queryset=Reaction.objects.only("message_id", "member_id", "kind")))
    )


@dataclass(frozen=True)
class Page:
    messages: list[Message]  # oldest first
    earlier: int | None  # `before` for the page before this one (None: this is the first)
    latest: bool  # this is the latest page (live updates apply)
    newer: int | None  # `before` for the next newer page; None with `latest` False: the latest page


def conversation_page(*, group_id: int, before: int | None = None, size: int = PAGE_SIZE) -> Page:
    """One page of the conversation by `seq`: the latest, or the one just before `before`."""
    query = _conversation(group_id)
    if before is not None:
        query = query.filter(seq__lt=before)
    rows = list(query.order_by("-seq")[: size + 1])
    has_earlier = len(rows) > size
    rows = rows[:size]
    rows.reverse()
    earlier = rows[0].seq if has_earlier and rows else None
    if before is None:
        return Page(messages=rows, earlier=earlier, latest=True, newer=None)
    newer_seqs = list(
        Message.objects.filter(group_id=group_id, seq__gte=before)
        .order_by("seq")
        .values_list("seq", flat=True)[: size + 1]
    )
    if not newer_seqs:
        return Page(messages=rows, earlier=earlier, latest=True, newer=None)
    # The page after this one ends just before its (size+1)-th newer message, if there is one.
    newer = newer_seqs[size] if len(newer_seqs) > size else None
    return Page(messages=rows, earlier=earlier, latest=False, newer=newer)


def changes_after(*, group_id: int, after: int, limit: int) -> list[Message]:
    """Messages whose latest change is after `after`, in change order (catch-up)."""
    return list(_conversation(group_id).filter(rev__gt=after).order_by("rev")[:limit])


def latest_messages(*, group_id: int, size: int = PAGE_SIZE) -> list[Message]:
    rows = list(_conversation(group_id).order_by("-seq")[:size])
    rows.reverse()
    return rows


def last_number(*, group_id: int) -> int:
    from waypoint.groups.models import Group

    return int(Group.objects.filter(pk=group_id).values_list("last_seq", flat=True).first() or 0)


def my_held_messages(*, membership: Membership) -> list[Message]:
    return list(
        Message.objects.select_related("data_key")
        .filter(author=membership, state=Message.State.HELD)
        .order_by("created_at")
    )


def reactions_by_kind(message: Message) -> dict[str, list[int]]:
    """{reaction: [member ids]} for a message whose reactions were prefetched (or not)."""
    found: dict[str, list[int]] = {key: [] for key in KEYS}
    for reaction in message.reactions.all():
        if reaction.kind in found:
            found[reaction.kind].append(reaction.member_id)
    for ids in found.values():
        ids.sort()
    return found


# --- Invites -----------------------------------------------------------------------------


def invite_for_code(*, code: str) -> Invite | None:
    """A usable invite with this code (None when unknown, expired, used up or cancelled)."""
    invite = Invite.objects.select_related("group", "group__data_key").filter(code=code.strip()[:32]).first()
    if invite is None:
        return None
    if not invite.usable():
        return None
    return invite


def open_invites(*, group_id: int) -> list[Invite]:
    now = timezone.now()
    return [
        invite
        for invite in Invite.objects.filter(group_id=group_id, revoked_at__isnull=True, expires_at__gt=now).order_by(
            "-created_at"
        )
        if invite.usable()
    ]


# --- Moderation --------------------------------------------------------------------------


def pending_count(*, group_id: int) -> int:
    """What waits for the facilitator: messages with open reports, and held messages."""
    reported = (
        Report.objects.filter(message__group_id=group_id, status=Report.Status.OPEN)
        .values("message_id")
        .distinct()
        .count()
    )
    held = Message.objects.filter(group_id=group_id, state=Message.State.HELD).count()
    return reported + held


@dataclass(frozen=True)
class ReportedMessage:
    message: Message
    reasons: list[tuple[str, int]]  # (reason label, count)
    first_reported: datetime


def reported_messages(*, group_id: int | None = None) -> list[ReportedMessage]:
    """Messages with open reports (one group's, or every group's for the operator)."""
    reports = Report.objects.filter(status=Report.Status.OPEN)
    if group_id is not None:
        reports = reports.filter(message__group_id=group_id)
    by_message: dict[int, dict[str, int]] = {}
    first: dict[int, datetime] = {}
    for message_id, reason, created in reports.values_list("message_id", "reason", "created_at").order_by("created_at"):
        by_message.setdefault(message_id, {})
        by_message[message_id][reason] = by_message[message_id].get(reason, 0) + 1
        first.setdefault(message_id, created)
    messages = Message.objects.select_related(
        "data_key", "author", "author__data_key", "group", "group__data_key"
    ).filter(pk__in=by_message)
    labels = dict(Report.Reason.choices)
    found = [
        ReportedMessage(
            message=m,
            reasons=[(str(labels.get(r, r)), n) for r, n in sorted(by_message[m.pk].items())],
            first_reported=first[m.pk],
        )
        for m in messages
    ]
    return sorted(found, key=lambda item: item.first_reported)


def held_messages(*, group_id: int) -> list[Message]:
    return list(
        Message.objects.select_related("data_key", "author", "author__data_key")
        .filter(group_id=group_id, state=Message.State.HELD)
        .order_by("created_at")
    )


def moderation_members(*, group_id: int) -> list[Membership]:
    """Everyone the facilitator can act on: active members, then removed ones."""
    return list(
        Membership.objects.select_related("data_key")
        .filter(group_id=group_id, state__in=[Membership.State.ACTIVE, Membership.State.REMOVED])
        .order_by("state", "joined_at")
    )


def moderation_log(*, group_id: int, limit: int = 200) -> list[Any]:
    from waypoint.groups.models import ModerationAction

    return list(
        ModerationAction.objects.select_related("member", "member__data_key", "message", "actor")
        .filter(group_id=group_id)
        .order_by("-created_at", "-pk")[:limit]
    )


def groups_without_facilitator() -> list[int]:
    """Ids of groups with members but no facilitator (theirs deleted their account)."""
    from waypoint.groups.models import Group

    return list(
        Group.objects.annotate(
            active=Count("memberships", filter=Q(memberships__state=Membership.State.ACTIVE)),
            facilitators=Count("memberships", filter=Q(memberships__role=Membership.Role.FACILITATOR)),
        )
        .filter(active__gt=0, facilitators=0)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
