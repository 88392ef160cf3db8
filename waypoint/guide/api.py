"""GET /api/v1/articles?q=<words>&lang=<en|es>: guide search for other programs."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from waypoint.core.access import Policy, api_access
from waypoint.core.apierrors import ERROR_RESPONSES
from waypoint.guide import selectors
from waypoint.guide.rendering import article_url

router = Router(tags=["guide"])


class ArticleFilters(Schema):
    q: str = Field("", max_length=200, description="The person's own words; empty lists every article.")
    lang: Literal["en", "es"] = Field("en", description="Language of the articles.")
    limit: int = Field(20, ge=1, le=50)


class ArticleOut(Schema):
    slug: str
    title: str
    summary: str
    url: str


class ArticleSearchOut(Schema):
    count: int
    results: list[ArticleOut]


@router.get(
    "", response={200: ArticleSearchOut, **ERROR_RESPONSES}, summary="Search the guide articles (best match first)"
)
@api_access(Policy.PUBLIC)
def articles(request: HttpRequest, filters: Query[ArticleFilters]) -> dict[str, object]:
    if filters.q.strip():
        found = selectors.article_search(query=filters.q, language=filters.lang, limit=filters.limit)
    else:
        found = [a for group in selectors.articles_by_topic(language=filters.lang) for a in group["articles"]][
            : filters.limit
        ]
    results = [
        {"slug": a.slug, "title": a.title, "summary": a.summary, "url": article_url(a.slug, filters.lang)}
        for a in found
    ]
    return {"count": len(results), "results": results}
