"""The person's journal as JSON, beside the recovery API: /api/v1/me/journal.

Same auth as the rest of /api/v1/me/ (``waypoint.core.apiauth.PERSONAL_AUTH``: the browser's
session with its CSRF token on writes, or a personal access token). An entry named by id is
reached only through ``entry_for_owner``: another person's is a 404, and the chokepoint runs
before anything in the request body is looked at. ``?q=`` searches (machine clients keep
their query parameter; the pages never put search words in a URL).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from waypoint.core.access import Policy, api_access
from waypoint.core.apiauth import PERSONAL_AUTH
from waypoint.core.apierrors import AUTH_ERROR_RESPONSES, api_error
from waypoint.journal import selectors, services
from waypoint.journal.models import JournalEntry
from waypoint.journal.reading import open_entries
from waypoint.journal.search import MAX_QUERY_CHARS

router = Router(tags=["me"], auth=PERSONAL_AUTH)
API_PAGE_SIZE = 50


# --- Schemas (prefixed: names are unique across the API's apps) ----------------------------


class JournalEntryIn(Schema):
    text: str = Field(min_length=1, max_length=services.MAX_TEXT)
    title: str | None = Field(None, max_length=services.MAX_TITLE)
    mood: int | None = Field(None, ge=1, le=5, description="1 very low … 5 very good")
    tags: list[str] = Field(default_factory=list, max_length=services.MAX_TAGS)
    date: dt.date | None = Field(None, description="the person's local date the entry is about; today when left out")


class JournalEntryReplace(Schema):
    """PUT replaces the whole entry: `text` is required (checked once the entry is found);
    a title, mood or tags left out are cleared, a date left out is kept."""

    text: str | None = Field(None, max_length=services.MAX_TEXT)
    title: str | None = Field(None, max_length=services.MAX_TITLE)
    mood: int | None = Field(None, ge=1, le=5)
    tags: list[str] = Field(default_factory=list, max_length=services.MAX_TAGS)
    date: dt.date | None = None


class JournalEntryOut(Schema):
    id: int
    date: dt.date
    title: str | None
    text: str
    mood: int | None
    tags: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime


class JournalPageOut(Schema):
    count: int = Field(description="entries in all pages")
    page: int
    pages: int
    entries: list[JournalEntryOut] = Field(description=f"newest first, {API_PAGE_SIZE} a page")


class JournalDeletedOut(Schema):
    deleted: int


def _no_store(response: HttpResponse) -> None:
    # The person's own words: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store, private"


def _out(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "date": entry.written_on,
        "title": entry.title,
        "text": entry.text,
        "mood": entry.mood,
        "tags": entry.tag_list,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def _invalid(error: ValidationError) -> Status[dict[str, Any]]:
    field, problems = next(iter(error.message_dict.items()))
    name = {"written_on": "date"}.get(field, field)
    return api_error(422, loc=["body"] if field == "__all__" else ["body", name], msg=str(problems[0]), type="invalid")


# --- Operations ------------------------------------------------------------------------------


@router.get("", response={200: JournalPageOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def journal_list(
    request: HttpRequest,
    response: HttpResponse,
    q: str = Query("", max_length=MAX_QUERY_CHARS, description="words that must all appear (case and accents ignored)"),
    tag: str = Query("", max_length=services.MAX_TAG, description="only entries with this tag"),
    page: int = Query(1, ge=1),
) -> Any:
    """The person's entries, newest first, or those matching `q` and `tag`."""
    _no_store(response)
    if q.strip() or tag.strip():
        rows = [hit.entry for hit in selectors.journal_search(user=request.user, query=q, tag=tag)]
        count = len(rows)
        chunk = rows[(page - 1) * API_PAGE_SIZE : page * API_PAGE_SIZE]
    else:
        paginator = Paginator(selectors.entries(user=request.user), API_PAGE_SIZE)
        count = paginator.count
        chunk = open_entries(paginator.page(page).object_list, user=request.user) if page <= paginator.num_pages else []
    return {
        "count": count,
        "page": page,
        "pages": max(1, math.ceil(count / API_PAGE_SIZE)),
        "entries": [_out(entry) for entry in chunk],
    }


@router.post("", response={201: JournalEntryOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def journal_create(request: HttpRequest, body: JournalEntryIn, response: HttpResponse) -> Any:
    """Saves a new entry (201)."""
    _no_store(response)
    try:
        entry = services.entry_create(
            user=request.user, text=body.text, title=body.title, mood=body.mood, tags=body.tags, written_on=body.date
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _out(entry))


@router.get("/{entry_id}", response={200: JournalEntryOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.OWNER)
def journal_get(request: HttpRequest, entry_id: int, response: HttpResponse) -> Any:
    """One entry (404 when it is not the person's)."""
    _no_store(response)
    entry = selectors.entry_for_owner(user=request.user, entry_id=entry_id)
    return _out(entry)


@router.put("/{entry_id}", response={200: JournalEntryOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.OWNER)
def journal_replace(request: HttpRequest, entry_id: int, body: JournalEntryReplace, response: HttpResponse) -> Any:
    """Replaces an entry (see the body's description)."""
    _no_store(response)
    entry = selectors.entry_for_owner(user=request.user, entry_id=entry_id)
    if not (body.text or "").strip():
        return api_error(422, loc=["body", "text"], msg="Field required.", type="missing")
    try:
        services.entry_update(
            user=request.user,
            entry=entry,
            text=body.text or "",
            title=body.title,
            mood=body.mood,
            tags=body.tags,
            written_on=body.date,
        )
    except ValidationError as error:
        return _invalid(error)
    return _out(entry)


@router.delete("/{entry_id}", response={200: JournalDeletedOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.OWNER)
def journal_delete(request: HttpRequest, entry_id: int, response: HttpResponse) -> Any:
    """Deletes an entry for good."""
    _no_store(response)
    entry = selectors.entry_for_owner(user=request.user, entry_id=entry_id)
    deleted = entry.pk
    services.entry_delete(user=request.user, entry=entry)
    return {"deleted": deleted}
