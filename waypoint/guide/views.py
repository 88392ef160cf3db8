"""Pages of the guide: the index (topics and search) and one article."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.core.stash import stash_get, stash_redirect
from waypoint.guide import selectors

MAX_QUERY_CHARS = 200
DANGER_TOPICS = {"safety"}
DANGER_SLUGS = {"overdose", "fentanyl"}


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


STASH_KIND = "guide"


def _page(request: HttpRequest, *, query: str, status: int = 200, ended: bool = False) -> HttpResponse:
    language = _language()
    results = selectors.article_search(query=query, language=language, limit=20) if query else None
    context = {
        "query": query,
        "results": results,
        "ended": ended,
        "topics": selectors.articles_by_topic(language=language),
    }
    return render(request, "guide/index.html", context, status=status)


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Topics and the search form. What a person searches for can be as private as
    "pregnant" or "suboxone": the form posts, and the words wait on the server behind an
    opaque address (waypoint.core.stash), never in a URL, history or log."""
    source = request.POST if request.method == "POST" else request.GET
    query = str(source.get("q", "")).strip()[:MAX_QUERY_CHARS]
    if query:
        # (An old link with ?q= is moved once to an opaque address too.)
        return stash_redirect(
            request, kind=STASH_KIND, data={"q": query}, to=lambda key: reverse("guide:results", args=[key])
        )
    if request.method == "POST":
        return redirect("guide:index")
    return _page(request, query="")


@never_cache
@require_GET
def results(request: HttpRequest, key: str) -> HttpResponse:
    data = stash_get(request, kind=STASH_KIND, key=key)
    if data is None:
        return _page(request, query="", status=404, ended=True)
    return _page(request, query=str(data.get("q", ""))[:MAX_QUERY_CHARS])


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.article_get(slug=slug, language=_language())
    if found is None:
        raise Http404("No such article")
    context = {
        "article": found,
        "related": selectors.articles_related(article=found),
        # Overdose and other danger pages show crisis help before anything else.
        "danger": found.topic in DANGER_TOPICS or found.slug in DANGER_SLUGS,
    }
    return render(request, "guide/article.html", context)
