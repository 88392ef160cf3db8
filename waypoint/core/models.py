"""Core models: only the data keys of envelope encryption (see waypoint/core/crypto.py)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class DataKey(models.Model):
    """One person's (or one anonymous record's) data key, stored only wrapped by a master key.

    Deleting the row makes everything encrypted with it unreadable for good, in the live
    database and in every backup (crypto-shredding).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Null for a record without an account (e.g. an anonymous hand-off request).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="data_key"
    )
    master_id = models.CharField(max_length=16, db_index=True)
    wrapped = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data key {self.pk}"
