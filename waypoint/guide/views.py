"""Pages of the guide: the index (topics and search) and one article."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from waypoint.guide import selectors

MAX_QUERY_CHARS = 200
DANGER_TOPICS = {"safety"}
DANGER_SLUGS = {"overdose", "fentanyl"}


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    language = _language()
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    results = selectors.article_search(query=query, language=language, limit=20) if query else None
    context = {
        "query": query,
        "results": results,
        "topics": selectors.articles_by_topic(language=language),
    }
    return render(request, "guide/index.html", context)


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
