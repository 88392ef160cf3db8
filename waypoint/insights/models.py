"""What the insights app stores: each person's latest computed insights (encrypted — trigger
names are the person's own words) and their choices. Nothing here is ever read for anyone
but its owner."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from waypoint.core.encryption import EncryptedTextField


class InsightSnapshot(models.Model):
    """The insights and early warning last computed for one person (nightly, or when they
    open the page and it is stale). The payload is JSON, encrypted with the person's key:
    the findings that passed (with effect, n, p, q), the early warning and a fingerprint of
    the check-ins it was computed from."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="insight_snapshot")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    computed_at = models.DateTimeField()
    # The person's local date it was computed for: stale once their day changes.
    computed_for = models.DateField()
    payload = EncryptedTextField(key_owner="user")

    def __str__(self) -> str:
        return f"insights computed {self.computed_at:%Y-%m-%d}"


class InsightPreference(models.Model):
    """A person's choices about insights (a row only once they change something)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="insight_preference")
    # Send the weekly summary through the person's reminder channels (push / e-mail).
    weekly_summary = models.BooleanField(default=False)
    # The language the person used when they chose the weekly summary: it is written in it.
    language = models.CharField(max_length=8, default="en")
    # The Monday of the last week whose summary was sent: claimed with a conditional UPDATE,
    # so two task consumers never send one week twice.
    weekly_sent_for = models.DateField(null=True, blank=True)
    # Send a discreet notification when the early warning is above its threshold (the
    # prompt on the today and patterns pages is shown either way).
    warning_push = models.BooleanField(default=False)
    # The person's local date of the last such notification: claimed with a conditional
    # UPDATE, like the weekly summary, and at most one every WARNING_PUSH_GAP days.
    warning_sent_for = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return "insight preferences"
