"""Operators register and edit meeting feeds here; meetings are read-only copies of feeds."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from waypoint.meetings import services
from waypoint.meetings.importers.common import FeedError, FeedShrinks
from waypoint.meetings.models import Feed, Meeting


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["name", "display_name", "kind", "fellowship", "url", "is_active", "last_imported_at", "last_status"]
    list_filter = ["kind", "fellowship", "is_active"]
    readonly_fields = ["last_imported_at", "last_status"]
    actions = ["refresh_now", "refresh_allowing_shrink"]

    @admin.action(description="Refresh the selected feeds now")
    def refresh_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        self._refresh(request, queryset, allow_shrink=False)

    @admin.action(description="Refresh the selected feeds now, even if they drop many meetings (after a warning)")
    def refresh_allowing_shrink(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        self._refresh(request, queryset, allow_shrink=True)

    def _refresh(self, request: HttpRequest, queryset: QuerySet[Feed], *, allow_shrink: bool) -> None:
        # One feed failing never stops the others (services.feed_refresh catches everything).
        for feed in queryset:
            try:
                result = services.feed_refresh(feed=feed, allow_shrink=allow_shrink)
            except FeedShrinks as exc:
                self.message_user(
                    request,
                    f"{feed.name}: nothing changed: {exc}. If the feed really dropped them, confirm with "
                    "“Refresh the selected feeds now, even if they drop many meetings”.",
                    messages.WARNING,
                )
            except FeedError as exc:
                self.message_user(request, f"{feed.name}: rejected, nothing changed: {exc}", messages.ERROR)
            else:
                self.message_user(request, result.summary())
                for reason in result.skipped[:20]:
                    self.message_user(request, f"{feed.name}: skipped {reason}", messages.WARNING)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["name", "fellowship", "attendance", "start_time", "timezone", "feed", "is_demo"]
    list_filter = ["fellowship", "attendance", "is_demo", "feed"]
    search_fields = ["name", "address", "group"]

    def has_change_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return False  # a feed refresh would overwrite edits: fix the feed instead

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
