"""Operator tools for groups. Conversations are not here on purpose: an operator reads a
message only when it is reported (the review page, /<lang>/groups/review/)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from waypoint.groups import services
from waypoint.groups.models import FacilitatorGrant, Group, Membership, ModerationAction


class FacilitatorGrantForm(forms.ModelForm):
    """Made by username: operators know people by the name they signed up with."""

    username = forms.CharField(label=_("Username"), max_length=150)

    class Meta:
        model = FacilitatorGrant
        fields: list[str] = []

    def clean_username(self) -> Any:
        from waypoint.accounts.models import username_fold

        user = get_user_model().objects.filter(username=username_fold(self.cleaned_data["username"])).first()
        if user is None:
            raise forms.ValidationError(_("No account has that username."))
        if FacilitatorGrant.objects.filter(user=user).exists():
            raise forms.ValidationError(_("That person is already a facilitator."))
        return user

    def save(self, commit: bool = True) -> FacilitatorGrant:
        self.instance.user = self.cleaned_data["username"]
        return super().save(commit=commit)


@admin.register(FacilitatorGrant)
class FacilitatorGrantAdmin(admin.ModelAdmin):
    """People who may start groups (unless GROUPS_ANYONE_CAN_START is on)."""

    form = FacilitatorGrantForm
    list_display = ("username", "granted_at")
    search_fields = ("user__username",)

    @admin.display(description=_("Username"), ordering="user__username")
    def username(self, obj: FacilitatorGrant) -> str:
        return obj.user.get_username()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("id", "members", "size_limit", "created_at")
    fields = ("name", "size_limit", "agreement", "created_at", "last_seq")
    readonly_fields = ("created_at", "last_seq")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return (
            super()
            .get_queryset(request)
            .select_related("data_key")
            .annotate(active=Count("memberships", filter=Q(memberships__state=Membership.State.ACTIVE)))
        )

    @admin.display(description=_("members"), ordering="active")
    def members(self, obj: Any) -> int:
        return int(obj.active)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # groups are started by facilitators, on the site

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # A group's moderation log cannot be deleted on its own (read-only), but it goes
        # with its group: the log's "no delete" must not block deleting the group.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request: HttpRequest, obj: Group) -> None:
        services.group_delete(group=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Group]) -> None:
        for group in queryset:
            services.group_delete(group=group)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """For appointing a facilitator to a group that lost theirs (set the role)."""

    list_display = ("id", "group", "display_name", "role", "state", "joined_at")
    list_filter = ("role", "state")
    fields = ("group", "display_name", "role", "state", "joined_at", "muted_until")
    readonly_fields = ("group", "display_name", "state", "joined_at", "muted_until")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("data_key", "group")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log, across groups: read-only."""

    list_display = ("created_at", "group", "action", "by_operator", "member", "until")
    list_filter = ("action", "by_operator")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
