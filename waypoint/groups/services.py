"""Writes about groups themselves: starting one, invites, joining, leaving, a member's own
settings, handing over facilitation. Messages are in ``messaging.py``, moderation in
``moderation.py``.

Every function is keyword-only, validates, runs in one transaction, and reaches the group
through ``selectors.group_for_member`` (the chokepoint), so a person who left or was
removed can do nothing.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.core.access import NotAllowed
from waypoint.core.encryption import data_key_create
from waypoint.groups import announce, messaging, selectors
from waypoint.groups.heldwords import fold
from waypoint.groups.models import Group, Invite, Membership, Message, ModerationAction

NAME_MAX = 80
DISPLAY_NAME_MAX = 40
AGREEMENT_MAX = 4000
DEFAULT_SIZE = 12


def default_agreement() -> str:
    """The agreement a new group starts with (in the facilitator's language; editable)."""
    return "\n".join(
        [
            _("What is said here stays here. Do not share anyone's story or name outside the group."),
            _("No buying, selling or sharing drugs, and no help getting them."),
            _("No dating or flirting, and no private contact someone did not ask for."),
            _("Be kind. Speak from your own experience. No shaming, no judging."),
            _(
                "This group is not a crisis service. In an emergency, call for help now: "
                "the “Get help now” button lists the numbers."
            ),
        ]
    )


def _clean_name(value: str, *, field: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: _("This is needed.")})
    if len(value) > limit:
        raise ValidationError({field: _("Use %(limit)d characters or fewer.") % {"limit": limit}})
    return value


def _clean_agreement(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({"agreement": _("A group needs an agreement.")})
    if len(value) > AGREEMENT_MAX:
        raise ValidationError({"agreement": _("Use %(limit)d characters or fewer.") % {"limit": AGREEMENT_MAX}})
    return value


def _clean_size(value: int | None) -> int:
    limit = settings.GROUPS_MAX_MEMBERS
    size = min(DEFAULT_SIZE, limit) if value is None else int(value)
    if size < 2 or size > limit:
        raise ValidationError(
            {"size_limit": _("Choose between %(low)d and %(high)d members.") % {"low": 2, "high": limit}}
        )
    return size


def _name_taken(*, group_id: int, display_name: str, except_member: int | None = None) -> bool:
    """Whether an active member already uses this display name (ignoring case and accents).
    Names are encrypted, so this reads the group's few names in Python."""
    wanted = fold(display_name)
    return any(
        fold(member.display_name) == wanted
        for member in selectors.active_members(group_id=group_id)
        if member.pk != except_member
    )


def group_create(
    *, user: Any, name: str, display_name: str, size_limit: int | None = None, agreement: str | None = None
) -> Membership:
    """Starts a group with the person as its facilitator (they accept its agreement)."""
    if not selectors.may_start_groups(user=user):
        raise NotAllowed()
    name = _clean_name(name, field="name", limit=NAME_MAX)
    display_name = _clean_name(display_name, field="display_name", limit=DISPLAY_NAME_MAX)
    size = _clean_size(size_limit)
    text = _clean_agreement(agreement if agreement is not None else default_agreement())
    with transaction.atomic():
        key = data_key_create()
        group = Group(data_key=key, name=name, agreement=text, size_limit=size)
        group.full_clean(exclude=["data_key"])
        group.save()
        membership = Membership(
            group=group,
            user=user,
            data_key=key,
            display_name=display_name,
            role=Membership.Role.FACILITATOR,
            agreement_version=group.agreement_version,
        )
        membership.full_clean(exclude=["group", "user", "data_key"], validate_constraints=False)
        membership.save()
    return membership


def group_update(*, user: Any, group_id: int, name: str, agreement: str, size_limit: int) -> Group:
    """The facilitator changes the group's name, agreement or size. A changed agreement
    gets a new version: members accept it again before they post."""
    name = _clean_name(name, field="name", limit=NAME_MAX)
    text = _clean_agreement(agreement)
    size = _clean_size(size_limit)
    with transaction.atomic():
        facilitator = selectors.group_for_facilitator(user=user, group_id=group_id)
        group = Group.objects.select_related("data_key").select_for_update().get(pk=facilitator.group_id)
        if size < selectors.active_count(group_id=group.pk):
            raise ValidationError({"size_limit": _("The group already has more members than that.")})
        changed = text.replace("\r\n", "\n") != group.agreement.replace("\r\n", "\n")
        group.name = name
        group.size_limit = size
        fields = ["name", "size_limit"]
        if changed:
            group.agreement = text
            group.agreement_version += 1
            fields += ["agreement", "agreement_version"]
        group.full_clean(exclude=["data_key"])
        group.save(update_fields=fields)
        if changed:
            # The facilitator wrote it: they need not accept their own words.
            Membership.objects.filter(pk=facilitator.pk).update(agreement_version=group.agreement_version)
            announce.audit(group_id=group.pk, action=ModerationAction.Action.AGREEMENT, actor=user)
    return group


# --- Invites -----------------------------------------------------------------------------


def invite_create(*, user: Any, group_id: int, max_uses: int | None = None) -> Invite:
    """A new invite code, valid for GROUPS_INVITE_DAYS (optionally for a few uses only)."""
    if max_uses is not None and not 1 <= max_uses <= settings.GROUPS_MAX_MEMBERS:
        raise ValidationError({"max_uses": _("Choose a number of uses between 1 and the group size.")})
    with transaction.atomic():
        facilitator = selectors.group_for_facilitator(user=user, group_id=group_id)
        invite = Invite(
            group_id=facilitator.group_id,
            # 16 URL-safe characters (96 bits): never guessed, and it says nothing.
            code=secrets.token_urlsafe(12),
            created_by=facilitator,
            expires_at=timezone.now() + timedelta(days=settings.GROUPS_INVITE_DAYS),
            max_uses=max_uses,
        )
        invite.full_clean(exclude=["group", "created_by"])
        invite.save()
        announce.audit(group_id=facilitator.group_id, action=ModerationAction.Action.INVITE, actor=user)
    return invite


def invite_revoke(*, user: Any, group_id: int, invite_id: int) -> None:
    with transaction.atomic():
        facilitator = selectors.group_for_facilitator(user=user, group_id=group_id)
        updated = Invite.objects.filter(pk=invite_id, group_id=facilitator.group_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise NotAllowed()
        announce.audit(group_id=facilitator.group_id, action=ModerationAction.Action.REVOKE, actor=user)


# --- Joining and leaving -----------------------------------------------------------------


class InviteNotUsable(Exception):
    """The code is unknown, expired, used up or cancelled — or the person may not use it."""


def group_join(*, user: Any, code: str, display_name: str, accept: bool) -> Membership:
    """Joins the group of a usable invite: the person accepted its agreement and chose a
    display name. Someone removed from the group cannot join again until its facilitator
    allows it; a member who is already in gets their membership back unchanged."""
    display_name = _clean_name(display_name, field="display_name", limit=DISPLAY_NAME_MAX)
    if not accept:
        raise ValidationError({"accept": _("Please accept the group agreement to join.")})
    with transaction.atomic():
        found = selectors.invite_for_code(code=code)
        if found is None:
            raise InviteNotUsable()
        # One join at a time per group (the size limit, the invite's uses), then look again.
        group = Group.objects.select_related("data_key").select_for_update().get(pk=found.group_id)
        invite = selectors.invite_for_code(code=code)
        if invite is None:
            raise InviteNotUsable()
        existing = Membership.objects.select_related("group").filter(group=group, user_id=user.pk).first()
        if existing is not None and existing.state == Membership.State.ACTIVE:
            return existing
        if existing is not None and existing.state == Membership.State.REMOVED:
            raise InviteNotUsable()
        if selectors.active_count(group_id=group.pk) >= group.size_limit:
            raise ValidationError(_("This group is full. Ask its facilitator."))
        if _name_taken(group_id=group.pk, display_name=display_name):
            raise ValidationError({"display_name": _("Someone in this group already uses that name. Pick another.")})
        membership = existing or Membership(group=group, user=user, data_key_id=group.data_key_id)
        membership.display_name = display_name
        membership.state = Membership.State.ACTIVE
        membership.role = Membership.Role.MEMBER
        membership.joined_at = timezone.now()
        membership.left_at = None
        membership.muted_until = None
        membership.agreement_version = group.agreement_version
        membership.full_clean(exclude=["group", "user", "data_key"], validate_constraints=False)
        membership.save()
        Invite.objects.filter(pk=invite.pk).update(uses=F("uses") + 1)
        messaging.system_message_post(membership=membership, kind=Message.Kind.JOINED)
    return membership


def agreement_accept(*, user: Any, group_id: int) -> Membership:
    with transaction.atomic():
        membership = selectors.group_for_member(user=user, group_id=group_id)
        membership.agreement_version = membership.group.agreement_version
        membership.save(update_fields=["agreement_version"])
    return membership


def membership_update(
    *,
    user: Any,
    group_id: int,
    display_name: str,
    share_checkin: bool,
    share_days: bool,
    share_mood: bool,
    share_struggling: bool,
) -> Membership:
    """The member's display name in this group and what its board shows of their day."""
    display_name = _clean_name(display_name, field="display_name", limit=DISPLAY_NAME_MAX)
    with transaction.atomic():
        membership = selectors.group_for_member(user=user, group_id=group_id)
        Group.objects.select_for_update().filter(pk=group_id).first()  # one rename at a time
        if _name_taken(group_id=group_id, display_name=display_name, except_member=membership.pk):
            raise ValidationError({"display_name": _("Someone in this group already uses that name. Pick another.")})
        membership.display_name = display_name
        membership.share_checkin = share_checkin
        membership.share_days = share_days
        membership.share_mood = share_mood
        membership.share_struggling = share_struggling
        membership.save(update_fields=["display_name", "share_checkin", "share_days", "share_mood", "share_struggling"])
    return membership


def membership_leave(*, user: Any, group_id: int, erase: bool = False) -> None:
    """Leaves the group (its pages answer 404 from now on; open sockets close). The
    facilitator hands over first, unless nobody else is left. With `erase`, the person's
    messages in this group become "message deleted" too."""
    with transaction.atomic():
        membership = selectors.group_for_member(user=user, group_id=group_id)
        others = selectors.active_count(group_id=group_id) - 1
        if membership.is_facilitator and others > 0:
            raise ValidationError(_("Hand the group over to another member before you leave."))
        if erase:
            messaging.messages_erase_for(memberships=[membership], notify_self=False)
        membership.state = Membership.State.LEFT
        membership.left_at = timezone.now()
        membership.role = Membership.Role.MEMBER
        membership.save(update_fields=["state", "left_at", "role"])
        messaging.system_message_post(membership=membership, kind=Message.Kind.LEFT)
        announce.access_ended(membership=membership, reason="left")


def facilitator_transfer(*, user: Any, group_id: int, member_id: int) -> Membership:
    """Hands the group over to another active member, who must be allowed to facilitate."""
    with transaction.atomic():
        facilitator = selectors.group_for_facilitator(user=user, group_id=group_id)
        target = selectors.member_of_group(facilitator=facilitator, member_id=member_id)
        if target.pk == facilitator.pk or target.state != Membership.State.ACTIVE:
            raise ValidationError({"member": _("Choose another member of this group.")})
        if not selectors.may_start_groups(user=target.user):
            raise ValidationError(
                {"member": _("That member is not a facilitator on this site. Ask the site's operator.")}
            )
        # One facilitator per group (a database constraint): step down first.
        Membership.objects.filter(pk=facilitator.pk).update(role=Membership.Role.MEMBER)
        Membership.objects.filter(pk=target.pk).update(role=Membership.Role.FACILITATOR)
        announce.audit(
            group_id=facilitator.group_id, action=ModerationAction.Action.TRANSFER, actor=user, member=target
        )
    target.role = Membership.Role.FACILITATOR
    return target


def group_delete(*, group: Group) -> None:
    """Deletes a group and everything in it, then its data key: any copy of its
    conversation (a backup) can no longer be read (crypto-shredding). For the operator."""
    with transaction.atomic():
        key_id = group.data_key_id
        for membership in Membership.objects.filter(group=group, state=Membership.State.ACTIVE):
            announce.access_ended(membership=membership, reason="removed")
        group.delete()
        from waypoint.core.models import DataKey

        DataKey.objects.filter(pk=key_id).delete()
