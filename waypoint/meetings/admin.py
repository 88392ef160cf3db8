"""Operators register and edit meeting feeds here; meetings are read-only copies of feeds."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from waypoint.meetings import services
from waypoint.meetings.importers.common import FeedError
from waypoint.meetings.models import Feed, Meeting


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "fellowship", "url", "is_active", "last_imported_at", "last_status"]
    list_filter = ["kind", "fellowship", "is_active"]
    readonly_fields = ["last_imported_at", "last_status"]
    actions = ["refresh_now"]

    @admin.action(description="Refresh the selected feeds now")
    def refresh_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            try:
                result = services.feed_refresh(feed=feed)
            except FeedError as exc:
                self.message_user(request, f"{feed.name}: rejected, nothing changed: {exc}", messages.ERROR)
            else:
                self.message_user(request, result.summary())


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["name", "fellowship", "attendance", "start_time", "timezone", "feed", "is_demo"]
    list_filter = ["fellowship", "attendance", "is_demo", "feed"]
    search_fields = ["name", "address", "group"]

    def has_change_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False  # a feed refresh would overwrite edits: fix the feed instead

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
