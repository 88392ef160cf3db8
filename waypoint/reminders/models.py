"""What the reminders app stores.

- ``ReminderSettings``: one per person — how reminders reach them (this device's
  notifications, e-mail, both), in which words (discreet by default), quiet hours, and which
  reminders they want at what local time. The e-mail address is encrypted.
- ``Reminder``: the schedule derived from those choices, one row per reminder (one per dose
  time), with its next send time in UTC. The periodic task claims due rows with a
  conditional UPDATE (``claim``, ``next_send_at``), so each occurrence is sent once however
  many consumers run (delivery.py).
- ``PushSubscription``: a browser that accepted notifications (Web Push). The endpoint and
  keys are not secrets of the person: without this server's VAPID key nobody else can send
  to that browser.
- ``Notice``: a one-off message from another app (``notify_send``) or "send me a test",
  waiting to go out; deleted once sent or expired, so no history of notifications is kept.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waypoint.core.encryption import EncryptedTextField


class Channel(models.TextChoices):
    PUSH = "push", _("Notifications on my devices")
    EMAIL = "email", _("E-mail")
    BOTH = "both", _("Both")


class Wording(models.TextChoices):
    DISCREET = "discreet", _("Discreet: everyday words that say nothing private (recommended)")
    PLAIN = "plain", _("Plain: say what the reminder is about")


class Kind(models.TextChoices):
    CHECKIN = "checkin", _("Daily check-in")
    DOSE = "dose", _("Medication doses")
    APPOINTMENT = "appointment", _("Appointments")
    BARC = "barc", _("Monthly strengths check")
    GOALS = "goals", _("Goals due")


class ReminderSettings(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PUSH)
    wording = models.CharField(max_length=10, choices=Wording.choices, default=Wording.DISCREET)
    email = EncryptedTextField(key_owner="user", null=True, blank=True)
    # scheme://host the person uses Waypoint at, for the link in e-mails (from their own request).
    origin = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, default="en")
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    # Which reminders, at what local time (None: off).
    checkin_at = models.TimeField(null=True, blank=True)
    doses_on = models.BooleanField(default=False)
    appointment_lead_minutes = models.PositiveIntegerField(null=True, blank=True)
    barc_at = models.TimeField(null=True, blank=True)
    goals_at = models.TimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"reminder settings {self.pk}"

    @property
    def uses_push(self) -> bool:
        return self.channel in (Channel.PUSH, Channel.BOTH)

    @property
    def uses_email(self) -> bool:
        return self.channel in (Channel.EMAIL, Channel.BOTH)


class Reminder(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Local time of day (all kinds but appointments); for a dose, the dose time it follows.
    local_time = models.TimeField(null=True, blank=True)
    # Appointments: how long before the appointment.
    lead_minutes = models.PositiveIntegerField(null=True, blank=True)
    # The IANA zone next_send_at was computed in (a changed profile zone is noticed when due).
    time_zone = models.CharField(max_length=64)
    # When the next send is due (UTC); None: nothing scheduled. Claimed rows are pushed a
    # lease ahead, so a consumer that dies mid-send leaves them due again later.
    next_send_at = models.DateTimeField(null=True, blank=True)
    # The nominal moment (UTC) of the occurrence the next send is for, before quiet hours,
    # retries or a snooze moved it.
    occurrence = models.DateTimeField(null=True, blank=True)
    # The last occurrence delivered (or passed over): never sent twice.
    last_occurrence = models.DateTimeField(null=True, blank=True)
    # What the last send was about, to send each thing once (a BARC-10 due date, the last
    # appointment reminded, the local date goals were reminded for).
    event_key = models.CharField(max_length=64, blank=True)
    # The next send repeats the last one (the person asked to be reminded again).
    snoozed = models.BooleanField(default=False)
    # Set by the consumer that claimed the row; the row is finished only with this token.
    claim = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # After a partial failure, the targets still to reach for this occurrence ("email", "push:<id>").
    pending_targets = models.JSONField(default=list, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "local_time", "id"]
        indexes = [models.Index(fields=["next_send_at"], name="reminder_due")]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], condition=~Q(kind="dose"), name="reminder_one_per_kind"),
            models.UniqueConstraint(
                fields=["user", "kind", "local_time"], condition=Q(kind="dose"), name="reminder_one_per_dose_time"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder {self.pk} ({self.kind})"


class PushSubscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.TextField()
    # SHA-256 of the endpoint: one row per browser, whoever subscribes it last.
    endpoint_hash = models.CharField(max_length=64, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"push subscription {self.pk}"


class Notice(models.Model):
    """A one-off message waiting to go out (``notify_send``, "send me a test")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_notices")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=40)
    discreet_text = EncryptedTextField(key_owner="user")
    plain_text = EncryptedTextField(key_owner="user")
    url = models.CharField(max_length=300, blank=True)
    next_send_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    claim = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    pending_targets = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["next_send_at"], name="notice_due")]

    def __str__(self) -> str:
        return f"notice {self.pk} ({self.kind})"
