"""The private journal: entries a person writes for themselves, and their one choice about
sharing moods with insights.

Every word a person writes is an ``EncryptedTextField`` bound to the row's ``row_key``:
the title, the text and the tags. Tags are one encrypted JSON list on the entry, not rows
of their own, so the database never holds a tag name (a tag like "after a slip" says as
much as the text). In clear are only the mood (a number 1–5, like the check-in's), the
date the entry is about and the row's times — what the list, paging and the insights
opt-in need.
"""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waypoint.core.encryption import EncryptedTextField


class Mood(models.IntegerChoices):
    VERY_LOW = 1, _("Very low")
    LOW = 2, _("Low")
    OKAY = 3, _("Okay")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


class JournalEntry(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = EncryptedTextField(key_owner="user", null=True, blank=True)
    text = EncryptedTextField(key_owner="user")
    # A JSON list of the person's own tag words, encrypted as one value.
    tags = EncryptedTextField(key_owner="user", null=True, blank=True)
    mood = models.PositiveSmallIntegerField(_("mood"), choices=Mood.choices, null=True, blank=True)
    # The person's local date the entry is about (today by default; they may pick an earlier day).
    written_on = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-written_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-written_on", "-created_at"], name="journal_entry_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(mood__isnull=True) | Q(mood__gte=1, mood__lte=5), name="journal_mood_1_5"
            ),
        ]

    def __str__(self) -> str:
        # Never the title or text: this shows up in the admin and in logs.
        return f"journal entry {self.pk}"

    @property
    def tag_list(self) -> list[str]:
        """The tags as a list (decrypts the tags field)."""
        if not self.tags:
            return []
        value = json.loads(self.tags)
        return [str(tag) for tag in value] if isinstance(value, list) else []


class JournalPreference(models.Model):
    """The person's choices about their journal. Off by default: nothing from the journal
    reaches any other part of Waypoint unless they turn it on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_preference")
    # Insights may use the mood number (and its date) of entries — never a word of them.
    moods_for_insights = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"journal preference {self.pk}"
