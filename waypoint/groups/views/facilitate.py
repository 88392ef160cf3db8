"""The facilitator's pages: group settings, invites, handing over, the moderation queue
and its log. Each reaches the group through ``group_for_facilitator`` (anyone else: 404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.groups import heldwords, moderation, selectors, services
from waypoint.groups.forms import GroupForm, InviteForm, MuteForm, TransferForm
from waypoint.groups.models import Membership, ModerationAction
from waypoint.groups.views._common import facilitator_post, group_nav, groups_page
from waypoint.groups.views.pages import _apply_errors


def _transfer_form(me: Membership, data: Any = None) -> TransferForm:
    others = [m for m in selectors.active_members(group_id=me.group_id) if m.pk != me.pk]
    return TransferForm(data, members=others)


def _manage_page(
    request: HttpRequest,
    me: Membership,
    *,
    form: GroupForm | None = None,
    invite_form: InviteForm | None = None,
    transfer_form: TransferForm | None = None,
    status: int = 200,
) -> HttpResponse:
    group = me.group
    context = group_nav(me, current="manage")
    context.update(
        {
            "form": form
            or GroupForm(initial={"name": group.name, "agreement": group.agreement, "size_limit": group.size_limit}),
            "invite_form": invite_form or InviteForm(),
            "transfer_form": transfer_form or _transfer_form(me),
            "invites": [
                {
                    "invite": invite,
                    "link": request.build_absolute_uri(reverse("groups:join", kwargs={"code": invite.code})),
                }
                for invite in selectors.open_invites(group_id=me.group_id)
            ],
            "members": selectors.active_count(group_id=me.group_id),
            "invite_days": settings.GROUPS_INVITE_DAYS,
        }
    )
    return render(request, "groups/manage.html", context, status=status)


@groups_page
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, group_id: int) -> HttpResponseBase:
    me = selectors.group_for_facilitator(user=request.user, group_id=group_id)
    if request.method != "POST":
        return _manage_page(request, me)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            services.group_update(user=request.user, group_id=group_id, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("groups:manage", group_id=group_id)
    return _manage_page(request, me, form=form, status=400)


@groups_page
@facilitator_post
def invite_create(request: HttpRequest, group_id: int) -> HttpResponseBase:
    me = selectors.group_for_facilitator(user=request.user, group_id=group_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invite_create(user=request.user, group_id=group_id, max_uses=form.cleaned_data["max_uses"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("New invite made. Share the link or the code with the person you invite."))
            return redirect("groups:manage", group_id=group_id)
    return _manage_page(request, me, invite_form=form, status=400)


@groups_page
@facilitator_post
def invite_revoke(request: HttpRequest, group_id: int, invite_id: int) -> HttpResponseBase:
    selectors.group_for_facilitator(user=request.user, group_id=group_id)
    services.invite_revoke(user=request.user, group_id=group_id, invite_id=invite_id)
    messages.success(request, _("The invite no longer works."))
    return redirect("groups:manage", group_id=group_id)


@groups_page
@facilitator_post
def transfer(request: HttpRequest, group_id: int) -> HttpResponseBase:
    me = selectors.group_for_facilitator(user=request.user, group_id=group_id)
    form = _transfer_form(me, request.POST)
    if form.is_valid():
        try:
            target = services.facilitator_transfer(
                user=request.user, group_id=group_id, member_id=form.cleaned_data["member"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is the facilitator now. Thank you.") % {"name": target.display_name})
            return redirect("groups:room", group_id=group_id)
    return _manage_page(request, me, transfer_form=form, status=400)


@groups_page
@require_GET
def queue(request: HttpRequest, group_id: int) -> HttpResponse:
    me = selectors.group_for_facilitator(user=request.user, group_id=group_id)
    context = group_nav(me, current="moderation")
    context.update(
        {
            "reported": selectors.reported_messages(group_id=group_id),
            "held": [
                {"m": m, "why": heldwords.rule_label(m.held_rule)} for m in selectors.held_messages(group_id=group_id)
            ],
            "members": selectors.moderation_members(group_id=group_id),
            "mute_form": MuteForm(),
        }
    )
    return render(request, "groups/moderation.html", context)


MESSAGE_ACTIONS: dict[str, tuple[Callable[..., Any], Any]] = {
    "hide": (moderation.message_hide, gettext_lazy("The message is hidden.")),
    "restore": (moderation.message_restore, gettext_lazy("The message is visible.")),
    "release": (moderation.held_release, gettext_lazy("The message is posted.")),
    "decline": (moderation.held_decline, gettext_lazy("The message will not be posted.")),
}


@groups_page
@facilitator_post
def moderate_message(request: HttpRequest, group_id: int, message_id: int) -> HttpResponseBase:
    selectors.group_for_facilitator(user=request.user, group_id=group_id)
    action = MESSAGE_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose what to do."))
        return redirect("groups:moderation", group_id=group_id)
    service, done = action
    try:
        service(user=request.user, group_id=group_id, message_id=message_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("groups:moderation", group_id=group_id)


@groups_page
@facilitator_post
def moderate_member(request: HttpRequest, group_id: int, member_id: int) -> HttpResponseBase:
    selectors.group_for_facilitator(user=request.user, group_id=group_id)
    action = request.POST.get("action", "")
    try:
        if action == "mute":
            form = MuteForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose how long."))
            moderation.member_mute(
                user=request.user, group_id=group_id, member_id=member_id, minutes=form.cleaned_data["minutes"]
            )
            messages.success(request, _("Their messages are paused."))
        elif action == "unmute":
            moderation.member_unmute(user=request.user, group_id=group_id, member_id=member_id)
            messages.success(request, _("They can post again."))
        elif action == "remove":
            moderation.member_remove(user=request.user, group_id=group_id, member_id=member_id)
            messages.success(request, _("They are no longer in the group."))
        elif action == "allow_back":
            moderation.member_allow_back(user=request.user, group_id=group_id, member_id=member_id)
            messages.success(request, _("They can join again with a new invite."))
        else:
            messages.error(request, _("Choose what to do."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("groups:moderation", group_id=group_id)


@groups_page
@require_GET
def moderation_log(request: HttpRequest, group_id: int) -> HttpResponse:
    me = selectors.group_for_facilitator(user=request.user, group_id=group_id)
    entries = selectors.moderation_log(group_id=group_id)
    # Who acted, by their name in this group (one query for all of them).
    names = {
        m.user_id: m.display_name
        for m in Membership.objects.select_related("data_key").filter(
            group_id=group_id, user_id__in={e.actor_id for e in entries if e.actor_id}
        )
    }
    rows = [
        {
            "entry": entry,
            "label": ModerationAction.Action(entry.action).label,
            "actor": _("An operator")
            if entry.by_operator
            else (names.get(entry.actor_id, _("A former member")) if entry.actor_id else _("Automatic")),
        }
        for entry in entries
    ]
    context = group_nav(me, current="moderation")
    context["rows"] = rows
    return render(request, "groups/moderation_log.html", context)
