"""The group's conversation without JavaScript: the page lists messages and every action
is a plain form (POST, then back to the page). groups/chat.js only enhances it."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from waypoint.groups import messaging, moderation, selectors
from waypoint.groups.errors import Refused
from waypoint.groups.forms import MessageForm, ReportForm
from waypoint.groups.models import Message
from waypoint.groups.reactions import ENCOURAGEMENTS
from waypoint.groups.views._common import group_nav, groups_page, member_post


def _room_url(group_id: int, message: Message | None = None) -> str:
    url = reverse("groups:room", kwargs={"group_id": group_id})
    return f"{url}#m{message.seq}" if message is not None and message.seq else url


def _before(request: HttpRequest) -> int | None:
    try:
        value = int(request.GET.get("before", ""))
    except ValueError:
        return None
    return value if value > 0 else None


def _cards(items: list[Message], me_id: int) -> list[dict[str, object]]:
    """What the template shows for each message (reactions with counts and "mine")."""
    cards = []
    for message in items:
        found = selectors.reactions_by_kind(message)
        cards.append(
            {
                "m": message,
                "mine": message.author_id == me_id,
                "reactions": [
                    {"e": e, "count": len(found[e.key]), "pressed": me_id in found[e.key]} for e in ENCOURAGEMENTS
                ],
            }
        )
    return cards


@groups_page
@require_GET
def room(request: HttpRequest, group_id: int) -> HttpResponse:
    me = selectors.group_for_member(user=request.user, group_id=group_id)
    # The counter first: the page then shows at least everything up to it, and the
    # script catches up from exactly there (docs/realtime.md#groups).
    last = selectors.last_number(group_id=group_id)
    page = selectors.conversation_page(group_id=group_id, before=_before(request))
    context = group_nav(me, current="room")
    context.update(
        {
            "page": page,
            "cards": _cards(page.messages, me.pk),
            "last": last,
            "form": MessageForm(initial={"ref": secrets.token_urlsafe(12)}),
            "held": selectors.my_held_messages(membership=me),
            "members": selectors.active_members(group_id=group_id),
            "agreement_pending": me.agreement_version < me.group.agreement_version,
            "muted": me.muted_now(),
            "encouragements": ENCOURAGEMENTS,
        }
    )
    return render(request, "groups/room.html", context)


def _refused(request: HttpRequest, refused: Refused) -> None:
    messages.error(request, refused.message)


@groups_page
@member_post
def post(request: HttpRequest, group_id: int) -> HttpResponseBase:
    selectors.group_for_member(user=request.user, group_id=group_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("groups:room", group_id=group_id)
    try:
        posted = messaging.message_post(
            user=request.user, group_id=group_id, text=form.cleaned_data["text"], client_ref=form.cleaned_data["ref"]
        )
    except Refused as refused:
        _refused(request, refused)
        return redirect("groups:room", group_id=group_id)
    if posted.held:
        messages.info(
            request,
            _("Your message is waiting for the facilitator to look at it (%(why)s). Only you can see it for now.")
            % {"why": posted.held_reason or _("held for review")},
        )
    return HttpResponseRedirect(_room_url(group_id, posted.message))


@groups_page
@require_GET
def message(request: HttpRequest, group_id: int, message_id: int) -> HttpResponse:
    """One message with everything one can do to it (edit, delete, encourage, report)."""
    me = selectors.group_for_member(user=request.user, group_id=group_id)
    item = selectors.message_in_group(membership=me, message_id=message_id)
    return _message_page(request, me, item)


def _message_page(
    request: HttpRequest,
    me: object,
    item: Message,
    *,
    edit_form: MessageForm | None = None,
    report_form: ReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    mine = item.author_id == me.pk  # type: ignore[attr-defined]
    editable = mine and item.state == Message.State.VISIBLE and item.kind == Message.Kind.TEXT and item.seq
    context = group_nav(me, current="room")  # type: ignore[arg-type]
    context.update(
        {
            "card": _cards([item], me.pk)[0],  # type: ignore[attr-defined]
            "item": item,
            "mine": mine,
            "edit_form": edit_form or (MessageForm(initial={"text": item.text}) if editable else None),
            "can_delete": mine
            and item.state in (Message.State.VISIBLE, Message.State.HIDDEN, Message.State.HELD)
            and item.kind in (Message.Kind.TEXT, Message.Kind.STRUGGLING),
            "report_form": report_form
            or (
                ReportForm()
                if not mine and item.seq and item.kind == Message.Kind.TEXT and item.state != Message.State.DELETED
                else None
            ),
        }
    )
    return render(request, "groups/message.html", context, status=status)


@groups_page
@member_post
def message_edit(request: HttpRequest, group_id: int, message_id: int) -> HttpResponseBase:
    me = selectors.group_for_member(user=request.user, group_id=group_id)
    item = selectors.message_in_group(membership=me, message_id=message_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _message_page(request, me, item, edit_form=form, status=400)
    try:
        edited = messaging.message_edit(
            user=request.user, group_id=group_id, message_id=message_id, text=form.cleaned_data["text"]
        )
    except Refused as refused:
        form.add_error("text", refused.message)
        return _message_page(request, me, item, edit_form=form, status=400)
    messages.success(request, _("Your message was changed."))
    return HttpResponseRedirect(_room_url(group_id, edited))


@groups_page
@member_post
def message_delete(request: HttpRequest, group_id: int, message_id: int) -> HttpResponseBase:
    selectors.group_for_member(user=request.user, group_id=group_id)
    try:
        deleted = messaging.message_delete(user=request.user, group_id=group_id, message_id=message_id)
    except Refused as refused:
        _refused(request, refused)
        return redirect("groups:room", group_id=group_id)
    messages.success(request, _("Your message was deleted."))
    return HttpResponseRedirect(_room_url(group_id, deleted))


@groups_page
@member_post
def message_react(request: HttpRequest, group_id: int, message_id: int) -> HttpResponseBase:
    """Without JavaScript an encouragement button toggles: on if you had not given it, off if you had."""
    me = selectors.group_for_member(user=request.user, group_id=group_id)
    item = selectors.message_in_group(membership=me, message_id=message_id)
    reaction = request.POST.get("reaction", "")
    had = item.reactions.filter(member=me, kind=reaction).exists()
    try:
        messaging.reaction_set(user=request.user, group_id=group_id, message_id=item.pk, reaction=reaction, on=not had)
    except Refused as refused:
        _refused(request, refused)
    return HttpResponseRedirect(_room_url(group_id, item))


@groups_page
@member_post
def message_report(request: HttpRequest, group_id: int, message_id: int) -> HttpResponseBase:
    me = selectors.group_for_member(user=request.user, group_id=group_id)
    item = selectors.message_in_group(membership=me, message_id=message_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _message_page(request, me, item, report_form=form, status=400)
    try:
        moderation.report_create(
            user=request.user, group_id=group_id, message_id=message_id, reason=form.cleaned_data["reason"]
        )
    except Refused as refused:
        _refused(request, refused)
        return HttpResponseRedirect(_room_url(group_id, item))
    messages.success(request, _("Thank you for telling us. The facilitator will look at it."))
    return HttpResponseRedirect(_room_url(group_id, item))


def struggling_page_url() -> str:
    """The person's own "I'm struggling" page (their plan and the crisis lines), or the
    Get help now page when the recovery app is not installed."""
    try:
        return reverse("recovery:struggling")
    except NoReverseMatch:
        return reverse("core:get_help")


def _record_moment(user: object) -> None:
    """Keeps the moment in the person's own recovery record (recovery's contract)."""
    try:
        from waypoint.recovery.services import struggling_record
    except ImportError:
        return
    struggling_record(user=user)


@groups_page
@member_post
def struggling(request: HttpRequest, group_id: int) -> HttpResponseBase:
    """ "I'm struggling" to the group — from the group page, or from the recovery app's
    struggling page (which already kept the moment: its form says so). The person always
    goes on to their own plan and the crisis lines."""
    selectors.group_for_member(user=request.user, group_id=group_id)
    outcome = messaging.struggling_tell_group(user=request.user, group_id=group_id)
    if request.POST.get("from") != "recovery":
        _record_moment(request.user)
    if outcome == messaging.STRUGGLING_TOLD:
        messages.success(request, _("Your group knows you are having a hard time. Someone will answer there."))
    elif outcome == messaging.STRUGGLING_FACILITATOR:
        messages.info(request, _("Your group's facilitator was told you are having a hard time."))
    else:
        messages.info(request, _("You told your group a few minutes ago. They know, and they can answer there."))
    return redirect(struggling_page_url())
