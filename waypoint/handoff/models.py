"""A person's request to be called by a facility (a "warm hand-off").

What the person chose to send — a first name or nickname, a phone number, good times to
call, the language, whether a voice message is all right, a self-check summary — is stored
only encrypted, with a data key of its own (``core.DataKey``, one per request, for people
with or without an account). Withdrawal, expiry, the facility closing the request, or the
person deleting their account *erase* it: the data key is deleted (so the ciphertext is
unreadable in every backup too) and the fields are blanked. What stays is a content-free
record that a request existed: the facility, when, its status and why it closed.

The private status link is a random token given to the person once; only its SHA-256 is
stored (``token_hash``), so the database alone cannot open anyone's status page.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waypoint.core.encryption import EncryptedTextField
from waypoint.core.models import DataKey
from waypoint.directory.models import Facility


class HandoffRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("new")
        CONTACTED = "contacted", _("contacted")
        UNREACHABLE = "unreachable", _("could not reach")
        CLOSED = "closed", _("closed")

    class ClosedReason(models.TextChoices):
        NONE = "", _("open")
        DONE = "done", _("closed by the facility")
        WITHDRAWN = "withdrawn", _("taken back by the person")
        EXPIRED = "expired", _("expired")
        FACILITY_GONE = "facility-gone", _("the facility left the directory")

    # SET_NULL, not CASCADE: when the directory drops a place, its requests are erased by the
    # periodic task (their data keys deleted), not left behind as orphaned keys.
    facility = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.SET_NULL, related_name="handoffs")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="handoffs"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    data_key = models.ForeignKey(DataKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The content: encrypted, None when not sent or erased.
    first_name = EncryptedTextField(key_owner="data_key", null=True, blank=True)
    phone = EncryptedTextField(key_owner="data_key", null=True, blank=True)
    call_times = EncryptedTextField(key_owner="data_key", null=True, blank=True)
    call_language = EncryptedTextField(key_owner="data_key", null=True, blank=True)
    voicemail = EncryptedTextField(key_owner="data_key", null=True, blank=True)
    summary = EncryptedTextField(key_owner="data_key", null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    closed_reason = models.CharField(max_length=16, choices=ClosedReason.choices, blank=True, default="")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    # When a staff member first opened it, and when its status last changed.
    seen_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["facility", "status", "-created_at"], name="handoff_inbox"),
            models.Index(fields=["requester", "-created_at"], name="handoff_requester"),
        ]

    def __str__(self) -> str:
        # Never the content: this shows up in the admin and in logs.
        return f"request {self.pk} to facility {self.facility_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def sent_items(self) -> list[str]:
        """Which kinds of content it holds (not their values); empty once erased."""
        if self.erased_at is not None:
            return []
        names = ("first_name", "phone", "call_times", "call_language", "voicemail", "summary")
        return [name for name in names if self.__dict__.get(name) not in (None, "")]
