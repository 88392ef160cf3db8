"""Reads of the journal: the chokepoint, lists, search, and the one contract other apps
may use (``journal_moods_for_insights`` — mood numbers only, and only with the person's
consent). Every read is of one person's own entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator

from waypoint.core.access import NotAllowed
from waypoint.core.text import fold
from waypoint.journal import search
from waypoint.journal.models import JournalEntry, JournalPreference
from waypoint.journal.reading import open_entries

PAGE_SIZE = 20


def entry_for_owner(*, user: Any, entry_id: int) -> JournalEntry:
    """The one way to reach an entry named by id: someone else's (or none) is a 404."""
    entry = JournalEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise NotAllowed()
    if entry.user_id != user.pk:
        raise NotAllowed()
    return entry


def entries(*, user: Any) -> Any:
    """The person's entries, newest first (a queryset: nothing decrypted yet)."""
    return JournalEntry.objects.filter(user_id=user.pk).order_by("-written_on", "-created_at", "-id")


def entries_page(*, user: Any, number: Any, per_page: int = PAGE_SIZE) -> Page:
    """One page of entries, newest first, decrypted with one key look-up (three queries:
    the count, the rows, the data key)."""
    page = Paginator(entries(user=user), per_page).get_page(number)
    page.object_list = open_entries(page.object_list, user=user)
    return page


def entry_count(*, user: Any) -> int:
    return JournalEntry.objects.filter(user_id=user.pk).count()


@dataclass(frozen=True)
class SearchHit:
    entry: JournalEntry
    snippet: str


def journal_search(*, user: Any, query: str = "", tag: str = "") -> list[SearchHit]:
    """The person's entries holding every word of `query` (folded: case and accents do not
    matter) and, when given, the tag `tag`; newest first. Decrypts that person's rows
    only, in this process, and keeps nothing."""
    terms = search.terms_of(query)
    wanted_tag = fold(tag.strip())
    if not terms and not wanted_tag:
        return []
    hits = []
    for entry in open_entries(entries(user=user), user=user):
        tags = entry.tag_list
        if wanted_tag and wanted_tag not in {fold(t) for t in tags}:
            continue
        if terms and not search.matches(search.haystack(title=entry.title, text=entry.text, tags=tags), terms):
            continue
        hits.append(SearchHit(entry=entry, snippet=search.snippet(entry.text or "", terms)))
    return hits


def tags_used(*, user: Any) -> list[str]:
    """Every tag the person used, once each (first spelling met, newest entries first), sorted."""
    seen: dict[str, str] = {}
    for entry in open_entries(entries(user=user).only("id", "user_id", "row_key", "tags"), user=user):
        for tag in entry.tag_list:
            seen.setdefault(fold(tag), tag)
    return sorted(seen.values(), key=fold)


def preference_for(*, user: Any) -> JournalPreference | None:
    return JournalPreference.objects.filter(user_id=user.pk).first()


def shares_moods_with_insights(*, user: Any) -> bool:
    preference = preference_for(user=user)
    return bool(preference and preference.moods_for_insights)


# --- The contract for insights -----------------------------------------------------------------


def journal_moods_for_insights(*, user: Any) -> list[tuple[dt.date, int]]:
    """(date, mood 1–5) for each day the person gave a mood in their journal, oldest first —
    and [] unless they turned on "let insights use my journal moods". Only the number and
    its date leave the journal; never a word. On a day with several entries, the mood of
    the newest one written that day counts (how the day ended)."""
    if not shares_moods_with_insights(user=user):
        return []
    rows = (
        JournalEntry.objects.filter(user_id=user.pk, mood__isnull=False)
        .order_by("written_on", "created_at", "id")
        .values_list("written_on", "mood")
    )
    by_day: dict[dt.date, int] = {}
    for day, mood in rows:
        if mood is not None:
            by_day[day] = int(mood)
    return sorted(by_day.items())


def journal_moods(*, user: Any, start: dt.date, end: dt.date) -> dict[dt.date, int]:
    """The same, as a mapping for the dates from `start` to `end` (both included): the form
    ``waypoint.insights.sources.journal_moods`` reads."""
    return {day: mood for day, mood in journal_moods_for_insights(user=user) if start <= day <= end}
