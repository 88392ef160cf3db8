"""A member's own pages in a group: the board, their settings, the agreement, leaving."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.groups import board as board_module
from waypoint.groups import selectors, services
from waypoint.groups.forms import LeaveForm, MembershipForm
from waypoint.groups.views._common import group_nav, groups_page
from waypoint.groups.views.pages import _apply_errors


@groups_page
@require_GET
def board(request: HttpRequest, group_id: int) -> HttpResponse:
    me = selectors.group_for_member(user=request.user, group_id=group_id)
    context = group_nav(me, current="board")
    context["board"] = board_module.group_board(membership=me)
    return render(request, "groups/board.html", context)


@groups_page
@require_http_methods(["GET", "POST"])
def membership(request: HttpRequest, group_id: int) -> HttpResponseBase:
    me = selectors.group_for_member(user=request.user, group_id=group_id)
    form = MembershipForm(
        request.POST or None,
        initial={
            "display_name": me.display_name,
            "share_checkin": me.share_checkin,
            "share_days": me.share_days,
            "share_mood": me.share_mood,
            "share_struggling": me.share_struggling,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(user=request.user, group_id=group_id, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("groups:membership", group_id=group_id)
    context = group_nav(me, current="membership")
    context["form"] = form
    return render(request, "groups/membership.html", context)


@groups_page
@require_http_methods(["GET", "POST"])
def agreement(request: HttpRequest, group_id: int) -> HttpResponseBase:
    me = selectors.group_for_member(user=request.user, group_id=group_id)
    if request.method == "POST":
        services.agreement_accept(user=request.user, group_id=group_id)
        messages.success(request, _("Thank you. You can post again."))
        return redirect("groups:room", group_id=group_id)
    context = group_nav(me, current="agreement")
    context["pending"] = me.agreement_version < me.group.agreement_version
    return render(request, "groups/agreement.html", context)


@groups_page
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, group_id: int) -> HttpResponseBase:
    me = selectors.group_for_member(user=request.user, group_id=group_id)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_leave(user=request.user, group_id=group_id, erase=form.cleaned_data["erase"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("You left the group."))
            return redirect("groups:index")
    context = group_nav(me, current="leave")
    context["form"] = form
    context["must_hand_over"] = me.is_facilitator and selectors.active_count(group_id=group_id) > 1
    return render(request, "groups/leave.html", context)
