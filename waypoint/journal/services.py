"""Writes of the journal. Keyword-only, validated, one transaction each."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from waypoint.core.text import fold
from waypoint.journal.models import JournalEntry, JournalPreference

MAX_TITLE = 200
MAX_TEXT = 20_000
MAX_TAGS = 12
MAX_TAG = 40
EARLIEST = dt.date(1900, 1, 1)


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def local_today(*, user: Any) -> dt.date:
    """The person's today, in their recovery profile's time zone (the server's without one)."""
    from waypoint.recovery.selectors import local_today as recovery_today

    return recovery_today(user=user)


def tags_clean(tags: Iterable[str] | str | None) -> list[str]:
    """A list of tags from a list or from "a, b, c": trimmed, inner spaces collapsed, empty
    ones dropped, each once (case and accents ignored, the first spelling kept)."""
    if tags is None:
        return []
    items = tags.split(",") if isinstance(tags, str) else list(tags)
    cleaned: dict[str, str] = {}
    for item in items:
        tag = " ".join(str(item).split())
        if not tag:
            continue
        if len(tag) > MAX_TAG:
            raise _error("tags", _("Keep each tag to %(count)d characters or fewer.") % {"count": MAX_TAG})
        cleaned.setdefault(fold(tag), tag)
    if len(cleaned) > MAX_TAGS:
        raise _error("tags", _("Use %(count)d tags or fewer.") % {"count": MAX_TAGS})
    return list(cleaned.values())


def _apply(
    entry: JournalEntry,
    *,
    user: Any,
    text: str,
    title: str | None,
    mood: int | None,
    tags: Iterable[str] | str | None,
    written_on: dt.date | None,
) -> None:
    text = (text or "").strip()
    if not text:
        raise _error("text", _("Write something first. A few words are enough."))
    if len(text) > MAX_TEXT:
        raise _error("text", _("This entry is too long. Split it into two entries."))
    title = " ".join((title or "").split()) or None
    if title is not None and len(title) > MAX_TITLE:
        raise _error("title", _("Keep the title to %(count)d characters or fewer.") % {"count": MAX_TITLE})
    if mood is not None and not (1 <= int(mood) <= 5):
        raise _error("mood", _("Choose a mood from the list."))
    today = local_today(user=user)
    day = written_on or entry.written_on or today
    if day > today:
        raise _error("written_on", _("Choose today or a day before it."))
    if day < EARLIEST:
        raise _error("written_on", _("Choose a later date."))
    cleaned_tags = tags_clean(tags)
    entry.text = text
    entry.title = title
    entry.mood = int(mood) if mood is not None else None
    entry.tags = json.dumps(cleaned_tags, ensure_ascii=False) if cleaned_tags else None
    entry.written_on = day


def entry_create(
    *,
    user: Any,
    text: str,
    title: str | None = None,
    mood: int | None = None,
    tags: Iterable[str] | str | None = None,
    written_on: dt.date | None = None,
) -> JournalEntry:
    """Saves a new entry (encrypted as it is saved). `written_on` defaults to the person's today."""
    entry = JournalEntry(user=user)
    _apply(entry, user=user, text=text, title=title, mood=mood, tags=tags, written_on=written_on)
    entry.full_clean(exclude=["user", "title", "text", "tags"])
    with transaction.atomic():
        entry.save()
    return entry


def entry_update(
    *,
    user: Any,
    entry: JournalEntry,
    text: str,
    title: str | None = None,
    mood: int | None = None,
    tags: Iterable[str] | str | None = None,
    written_on: dt.date | None = None,
) -> JournalEntry:
    """Replaces an entry's words, mood, tags and date (reached through `entry_for_owner`)."""
    if entry.user_id != user.pk:
        raise ValueError("entry_update changes the person's own entries only.")
    _apply(entry, user=user, text=text, title=title, mood=mood, tags=tags, written_on=written_on)
    entry.full_clean(exclude=["user", "title", "text", "tags"])
    with transaction.atomic():
        entry.save(update_fields=["title", "text", "tags", "mood", "written_on", "updated_at"])
    return entry


def entry_delete(*, user: Any, entry: JournalEntry) -> None:
    """Deletes an entry for good (its ciphertext goes with the row)."""
    if entry.user_id != user.pk:
        raise ValueError("entry_delete deletes the person's own entries only.")
    with transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk, user_id=user.pk).delete()


def journal_preference_set(*, user: Any, moods_for_insights: bool) -> JournalPreference:
    """The person's choice: may insights use the mood numbers of their entries?"""
    with transaction.atomic():
        preference, _created = JournalPreference.objects.select_for_update().get_or_create(user_id=user.pk)
        preference.moods_for_insights = bool(moods_for_insights)
        preference.save(update_fields=["moods_for_insights", "updated_at"])
    return preference


# --- My data -----------------------------------------------------------------------------------


def journal_export(*, user: Any) -> dict[str, Any]:
    """Every entry, decrypted, oldest first, and the person's choice about insights."""
    from waypoint.journal.reading import open_entries
    from waypoint.journal.selectors import entries, preference_for

    rows = open_entries(entries(user=user).order_by("written_on", "created_at", "id"), user=user)
    preference = preference_for(user=user)
    return {
        "entries": [
            {
                "date": entry.written_on.isoformat(),
                "title": entry.title,
                "text": entry.text,
                "mood": entry.mood,
                "tags": entry.tag_list,
                "created_at": entry.created_at.isoformat(),
                "updated_at": entry.updated_at.isoformat(),
            }
            for entry in rows
        ],
        "moods_for_insights": bool(preference and preference.moods_for_insights),
    }


def journal_delete(*, user: Any) -> int:
    """Deletes every entry and the person's journal choices."""
    entries_deleted, _ = JournalEntry.objects.filter(user_id=user.pk).delete()
    preferences_deleted, _ = JournalPreference.objects.filter(user_id=user.pk).delete()
    return entries_deleted + preferences_deleted
