"""Articles in the admin are read-only: the Markdown files are the source of truth
(edit them, or add files to CONTENT_DIR, then run `manage.py load_articles`)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from waypoint.guide.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["slug", "language", "title", "topic", "origin", "last_reviewed"]
    list_filter = ["language", "topic", "origin"]
    search_fields = ["slug", "title", "summary"]
    ordering = ["slug", "language"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return False
