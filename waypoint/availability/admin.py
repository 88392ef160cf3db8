"""Admin: checking and approving facility staff, and the audit log (read-only).

Checking a request: call the phone number *on the listing* (shown on the request's page,
never the number the person typed), ask for them by name, then record how you checked and
approve. Every save here goes through the services, so each step lands in the facility's log
with the operator's name.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from . import services
from .models import Availability, FacilityStaff, StaffAction


@admin.register(FacilityStaff)
class FacilityStaffAdmin(admin.ModelAdmin):
    list_display = ("full_name", "role", "facility", "status", "checked", "is_admin", "requested_at")
    list_filter = ("status", "is_admin")
    search_fields = ("full_name", "work_email", "facility__name", "facility__city")
    list_select_related = ("facility",)
    actions = ["approve", "decline", "remove"]
    fieldsets = (
        (
            "Who asked",
            {"fields": ("facility", "user", "full_name", "role", "work_phone", "work_email", "requested_at")},
        ),
        (
            "Check: call the listing's own number",
            {"fields": ("listing_phones", "verification_method", "verification_note", "verified_by", "verified_at")},
        ),
        ("Decision", {"fields": ("status", "is_admin", "decided_by", "decided_at", "ended_at", "notify_by_email")}),
    )
    readonly_fields = (
        "facility", "user", "full_name", "role", "work_phone", "work_email", "requested_at", "listing_phones",
        "verified_by", "verified_at", "status", "decided_by", "decided_at", "ended_at", "notify_by_email",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people ask on the site; operators check and decide here

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # remove (keeps the record and the log) instead

    @admin.display(boolean=True, description="checked")
    def checked(self, obj: FacilityStaff) -> bool:
        return obj.verified_at is not None

    @admin.display(description="numbers on the listing")
    def listing_phones(self, obj: FacilityStaff) -> Any:
        phones = [(str(p.get("kind", "")), str(p.get("number", ""))) for p in (obj.facility.phones or [])]
        if not phones and obj.facility.call_number:
            phones = [("main", obj.facility.call_number)]
        listed = format_html_join("", "<li>{}: <strong>{}</strong></li>", phones) if phones else "none listed"
        return format_html(
            "<ul>{}</ul><p>Call one of these — never the number the person gave — and ask for {} by name. "
            "No number? Use the listing's website, or visit.</p>",
            listed,
            obj.full_name,
        )

    def save_model(self, request: HttpRequest, obj: FacilityStaff, form: Any, change: bool) -> None:
        """Only the check and the admin flag are edited here, each through its service."""
        before = FacilityStaff.objects.get(pk=obj.pk)
        try:
            if obj.verification_method and before.verified_at is None:
                services.staff_request_verify(
                    operator=request.user, staff_id=obj.pk, method=obj.verification_method, note=obj.verification_note
                )
            if obj.is_admin != before.is_admin:
                services.staff_admin_set(operator=request.user, staff_id=obj.pk, is_admin=obj.is_admin)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def _each(self, request: HttpRequest, queryset: QuerySet[FacilityStaff], action: Any, done: str) -> None:
        count = 0
        for staff in queryset:
            try:
                action(operator=request.user, staff_id=staff.pk)
                count += 1
            except ValidationError as error:
                self.message_user(request, f"{staff.full_name}: {' '.join(error.messages)}", messages.WARNING)
        if count:
            self.message_user(request, f"{count} {done}.", messages.SUCCESS)

    @admin.action(description="Approve (after you checked them)")
    def approve(self, request: HttpRequest, queryset: QuerySet[FacilityStaff]) -> None:
        self._each(request, queryset, services.staff_request_approve, "approved")

    @admin.action(description="Decline")
    def decline(self, request: HttpRequest, queryset: QuerySet[FacilityStaff]) -> None:
        self._each(request, queryset, services.staff_request_decline, "declined")

    @admin.action(description="Remove from the facility's staff")
    def remove(self, request: HttpRequest, queryset: QuerySet[FacilityStaff]) -> None:
        self._each(request, queryset, services.staff_remove_by_operator, "removed")


@admin.register(StaffAction)
class StaffActionAdmin(admin.ModelAdmin):
    list_display = ("at", "facility_label", "actor_label", "actor_kind", "action", "target", "detail")
    list_filter = ("action", "actor_kind")
    search_fields = ("facility_label", "actor_label", "target")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an audit log nobody can edit


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = (
        "facility",
        "new_clients",
        "wait_days",
        "same_day_methadone",
        "same_day_buprenorphine",
        "updated_at",
    )
    list_select_related = ("facility",)
    search_fields = ("facility__name",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # only the facility's own staff say what is true today
