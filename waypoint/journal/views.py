"""Pages of the journal. Every page is the signed-in person's own and is sent with
``Cache-Control: no-store``. Nothing a person wrote or searched for is ever in a URL:
entries are named by id, prompts are chosen with a POSTed button, and search words wait
on the server behind a random id (``waypoint.core.stash``), as the guide's search does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.core.stash import stash_get, stash_redirect
from waypoint.journal import prompts, selectors, services
from waypoint.journal.forms import EntryForm, SearchForm
from waypoint.journal.models import JournalEntry
from waypoint.journal.reading import open_entries
from waypoint.journal.search import MAX_QUERY_CHARS

STASH_KIND = "journal"
ENTRY_FIELDS = ("title", "text", "mood", "tags", "written_on")


def private(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """No copy of a journal page in any cache (browser, proxy), ever."""
    return never_cache(view)


def _language() -> str:
    return translation.get_language() or "en"


def _add_errors(form: EntryForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _save(request: HttpRequest, form: EntryForm, entry: JournalEntry | None) -> JournalEntry | None:
    data = form.cleaned_data
    text = str(data.get("text") or "")
    title, mood, tags, written_on = data.get("title"), data.get("mood"), data.get("tags"), data.get("written_on")
    try:
        if entry is None:
            return services.entry_create(
                user=request.user, text=text, title=title, mood=mood, tags=tags, written_on=written_on
            )
        return services.entry_update(
            user=request.user, entry=entry, text=text, title=title, mood=mood, tags=tags, written_on=written_on
        )
    except ValidationError as error:
        _add_errors(form, error)
        return None


def _write_page(
    request: HttpRequest, *, form: EntryForm, entry: JournalEntry | None, prompt: prompts.PromptSet | None
) -> HttpResponse:
    language = _language()
    context = {
        "form": form,
        "entry": entry,
        "prompt": prompt,
        "prompt_title": prompt.title_in(language) if prompt else "",
        "prompt_questions": prompt.questions_in(language) if prompt else (),
        "prompt_sets": [{"key": s.key, "title": s.title_in(language)} for s in prompts.prompt_sets()],
    }
    return render(request, "journal/write.html", context, status=400 if form.errors else 200)


def _posted_initial(request: HttpRequest, prompt: prompts.PromptSet) -> dict[str, Any]:
    """What was typed so far, kept when a prompt is chosen (and the prompt's title when
    the title is still empty)."""
    initial: dict[str, Any] = {name: request.POST.get(name, "") for name in ENTRY_FIELDS}
    if not initial["title"]:
        initial["title"] = prompt.title_in(_language())
    try:
        initial["mood"] = int(initial["mood"]) if initial["mood"] else None
    except ValueError:
        initial["mood"] = None
    return initial


@private
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    page = selectors.entries_page(user=request.user, number=request.GET.get("page"))
    context = {
        "page": page,
        "search_form": SearchForm(),
        "shares_moods": selectors.shares_moods_with_insights(user=request.user),
    }
    return render(request, "journal/index.html", context)


@private
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    prompt = prompts.prompt_set(request.POST.get("prompt", "")) if request.method == "POST" else None
    if prompt is not None:
        form = EntryForm(initial=_posted_initial(request, prompt))
    elif request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            entry = _save(request, form, None)
            if entry is not None:
                messages.success(request, _("Saved in your journal. Only you can read it."))
                return redirect("journal:entry", entry_id=entry.pk)
    else:
        form = EntryForm(initial={"written_on": services.local_today(user=request.user)})
    return _write_page(request, form=form, entry=None, prompt=prompt)


@private
@require_GET
def entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    found = selectors.entry_for_owner(user=request.user, entry_id=entry_id)
    open_entries([found], user=request.user)
    return render(request, "journal/entry.html", {"entry": found})


@private
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    found = selectors.entry_for_owner(user=request.user, entry_id=entry_id)
    open_entries([found], user=request.user)
    prompt = prompts.prompt_set(request.POST.get("prompt", "")) if request.method == "POST" else None
    if prompt is not None:
        form = EntryForm(initial=_posted_initial(request, prompt))
    elif request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid() and _save(request, form, found) is not None:
            messages.success(request, _("Saved."))
            return redirect("journal:entry", entry_id=found.pk)
    else:
        form = EntryForm(
            initial={
                "title": found.title or "",
                "text": found.text,
                "mood": found.mood,
                "tags": ", ".join(found.tag_list),
                "written_on": found.written_on,
            }
        )
    return _write_page(request, form=form, entry=found, prompt=prompt)


@private
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    found = selectors.entry_for_owner(user=request.user, entry_id=entry_id)
    if request.method == "POST":
        services.entry_delete(user=request.user, entry=found)
        messages.success(request, _("The entry is deleted."))
        return redirect("journal:index")
    open_entries([found], user=request.user)
    return render(request, "journal/delete.html", {"entry": found})


@private
@require_POST
def search(request: HttpRequest) -> HttpResponse:
    """The search form posts here; the words wait behind a random id for an hour, for
    this browser and this person only."""
    query = str(request.POST.get("q", "")).strip()[:MAX_QUERY_CHARS]
    tag = " ".join(str(request.POST.get("tag", "")).split())[: services.MAX_TAG]
    if not query and not tag:
        return redirect("journal:index")
    return stash_redirect(
        request,
        kind=STASH_KIND,
        data={"q": query, "tag": tag, "user": request.user.pk},
        to=lambda key: reverse("journal:results", kwargs={"key": key}),
    )


@private
@require_GET
def results(request: HttpRequest, key: str) -> HttpResponse:
    data = stash_get(request, kind=STASH_KIND, key=key)
    # Another account signed in on the same browser does not see the first one's search.
    if data is None or data.get("user") != request.user.pk:
        context = {"ended": True, "search_form": SearchForm()}
        return render(request, "journal/results.html", context, status=404)
    query, tag = str(data.get("q", "")), str(data.get("tag", ""))
    hits = selectors.journal_search(user=request.user, query=query, tag=tag)
    page = Paginator(hits, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "count": len(hits),
        "query": query,
        "tag": tag,
        "search_form": SearchForm(initial={"q": query}),
    }
    return render(request, "journal/results.html", context)


@private
@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest) -> HttpResponse:
    """The one choice about the journal and insights: GET explains it (insights links
    here), POST turns "insights may use my journal moods" on or off."""
    if request.method == "GET":
        shares = selectors.shares_moods_with_insights(user=request.user)
        return render(request, "journal/sharing.html", {"shares_moods": shares})
    on = request.POST.get("moods_for_insights") == "on"
    services.journal_preference_set(user=request.user, moods_for_insights=on)
    if on:
        messages.success(request, _("Insights may now use the moods from your journal. Never your words."))
    else:
        messages.success(request, _("Insights no longer use anything from your journal."))
    return redirect("journal:sharing" if request.POST.get("back") == "sharing" else "journal:index")
