"""Peer groups: a small circle with a facilitator, its conversation, and its moderation.

What the operator browsing the database can read: that groups exist, who is in which (by
account id), when things happened, and the moderation log. What they cannot: the group's
name, members' display names, messages and report notes — encrypted with the group's own
data key (``Group.data_key``, a ``core.DataKey`` without a person), wrapped by the
deployment's master key. Deleting a group deletes its key (crypto-shredding).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.core.encryption import EncryptedTextField


class FacilitatorGrant(models.Model):
    """The operator's permission for one person to start groups (added in the admin).
    Not needed when GROUPS_ANYONE_CAN_START is on; operators may always start groups."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_facilitator_grant"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")

    def __str__(self) -> str:
        return f"facilitator grant {self.pk}"


class Group(models.Model):
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    name = EncryptedTextField(key_owner="data_key")
    # The group's rules, written by its facilitator; not about anyone, so kept in clear.
    agreement = models.TextField()
    # Raised when the agreement text changes: members accept the new one before posting.
    agreement_version = models.PositiveIntegerField(default=1)
    size_limit = models.PositiveSmallIntegerField()
    # The group's one counter: every change to its conversation takes the next number
    # (waypoint/groups/counter.py). Gapless, committed in order.
    last_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        # Never the name: it is encrypted, and admin lists and logs must not show it.
        return f"group {self.pk}"


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        FACILITATOR = "facilitator", _("Facilitator")

    class State(models.TextChoices):
        ACTIVE = "active", _("In the group")
        LEFT = "left", _("Left")
        # Removed by moderation: may not join again until a facilitator allows it.
        REMOVED = "removed", _("Removed")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    # The group's key (the same row as group.data_key): encrypted fields name a key on their own model.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = EncryptedTextField(key_owner="data_key")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    agreement_version = models.PositiveIntegerField(default=0)
    muted_until = models.DateTimeField(null=True, blank=True)
    last_struggling_at = models.DateTimeField(null=True, blank=True)
    # What the group's board shows of this person's day: nothing unless they choose.
    share_checkin = models.BooleanField(default=False)
    share_days = models.BooleanField(default=False)
    share_mood = models.BooleanField(default=False)
    share_struggling = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groups_membership_one_per_person"),
            # One facilitator per group; handing over is a transfer.
            models.UniqueConstraint(
                fields=["group"], condition=Q(role="facilitator"), name="groups_membership_one_facilitator"
            ),
        ]
        indexes = [models.Index(fields=["group", "state"])]

    def __str__(self) -> str:
        return f"membership {self.pk}"

    @property
    def is_facilitator(self) -> bool:
        return self.role == self.Role.FACILITATOR

    def muted_now(self) -> bool:
        return self.muted_until is not None and self.muted_until > timezone.now()


class Invite(models.Model):
    """A code that lets someone join. The code names nothing: no group name, no words."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invites")
    code = models.CharField(max_length=32, unique=True)
    created_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveSmallIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"invite {self.pk}"

    def usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        if self.expires_at <= timezone.now():
            return False
        return not (self.max_uses is not None and self.uses >= self.max_uses)


class Message(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Message")
        STRUGGLING = "struggling", _("I'm struggling")
        JOINED = "joined", _("Joined")
        LEFT = "left", _("Left")

    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        DELETED = "deleted", _("Deleted")
        HIDDEN = "hidden", _("Hidden")
        # Matched the held-words list: waits for a facilitator, with no number yet.
        HELD = "held", _("Waiting for review")
        DECLINED = "declined", _("Not posted")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="messages")
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Null once the author deleted their account (the row stays as "message deleted").
    author = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TEXT)
    state = models.CharField(max_length=10, choices=State.choices, default=State.VISIBLE)
    # Its place in the conversation, and the number of its latest change (null while held).
    seq = models.PositiveBigIntegerField(null=True, blank=True)
    rev = models.PositiveBigIntegerField(null=True, blank=True)
    # Null when deleted or erased: no text is kept.
    text = EncryptedTextField(key_owner="data_key", null=True, blank=True)
    # The sender's idempotency key: the same ref never makes a second message.
    client_ref = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    # When it entered the conversation (a held message: when it was let through).
    sent_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    # Which held-words rule held it (the rule's name from the list), for the facilitator.
    held_rule = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "seq"], name="groups_message_seq_unique"),
            models.UniqueConstraint(fields=["group", "rev"], name="groups_message_rev_unique"),
            models.UniqueConstraint(
                fields=["group", "author", "client_ref"],
                condition=~Q(client_ref=""),
                name="groups_message_client_ref_unique",
            ),
        ]
        indexes = [models.Index(fields=["group", "state"])]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Reaction(models.Model):
    """An encouragement from the small fixed set (waypoint/groups/reactions.py)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "member", "kind"], name="groups_reaction_once"),
        ]

    def __str__(self) -> str:
        return f"reaction {self.pk}"


class Report(models.Model):
    class Reason(models.TextChoices):
        UNKIND = "unkind", _("Unkind, harassing or shaming")
        SOURCING = "sourcing", _("Buying, selling or sharing drugs")
        DATING = "dating", _("Flirting, dating or unwanted contact")
        UNSAFE = "unsafe", _("Unsafe advice or pressure to use")
        PRIVACY = "privacy", _("Shares someone's private information")
        SPAM = "spam", _("Spam or advertising")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        UPHELD = "upheld", _("Message hidden")
        DISMISSED = "dismissed", _("Message kept")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="reports_made")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="groups_report_once_per_member"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"report {self.pk}"


class ModerationAction(models.Model):
    """The audit log: every moderation step, by whom, on whom. Rows outlive the people in
    them (references become empty when an account is deleted)."""

    class Action(models.TextChoices):
        AUTO_HIDE = "auto_hide", _("Hidden after reports")
        HIDE = "hide", _("Hid a message")
        RESTORE = "restore", _("Restored a message")
        DISMISS = "dismiss", _("Kept a reported message")
        RELEASE = "release", _("Posted a held message")
        DECLINE = "decline", _("Did not post a held message")
        MUTE = "mute", _("Paused a member's messages")
        UNMUTE = "unmute", _("Ended a pause")
        REMOVE = "remove", _("Removed a member")
        ALLOW_BACK = "allow_back", _("Allowed a member to join again")
        TRANSFER = "transfer", _("Handed over facilitation")
        AGREEMENT = "agreement", _("Changed the group agreement")
        INVITE = "invite", _("Made an invite")
        REVOKE = "revoke", _("Cancelled an invite")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="moderation_log")
    # Null for automatic steps (and once the actor's account is deleted).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Done by an operator from the staff review, not by the group's facilitator.
    by_operator = models.BooleanField(default=False)
    action = models.CharField(max_length=12, choices=Action.choices)
    member = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["group", "created_at"])]

    def __str__(self) -> str:
        return f"moderation action {self.pk}"
