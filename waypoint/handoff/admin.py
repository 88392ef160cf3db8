"""Admin: requests to be called, without their content.

Operators see that requests exist (which facility, when, status, why closed) to help a
facility or clean up, never what a person sent: that is for the facility's staff only.
Nothing here can be added or changed; a request can be erased (its content and data key)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import HandoffRequest


@admin.register(HandoffRequest)
class HandoffRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "facility", "status", "closed_reason", "created_at", "expires_at", "erased_at")
    list_filter = ("status", "closed_reason")
    list_select_related = ("facility",)
    # Only content-free columns: the encrypted fields are never shown or loaded here.
    fields = ("facility", "status", "closed_reason", "created_at", "expires_at", "seen_at", "closed_at", "erased_at")
    readonly_fields = fields
    actions = ["erase"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HandoffRequest]:
        return super().get_queryset(request).defer(*services.CONTENT_FIELDS, "token_hash")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # erase instead: the content-free record stays

    @admin.action(description="Erase the content now (e.g. a request that is abuse)")
    def erase(self, request: HttpRequest, queryset: QuerySet[HandoffRequest]) -> None:
        count = sum(
            services.handoff_erase(handoff_id=pk, reason=HandoffRequest.ClosedReason.DONE)
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(request, f"{count} request(s) erased.", messages.SUCCESS)
