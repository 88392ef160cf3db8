"""The operator's review of reports across every group (verified staff only).

An operator sees the text of reported messages only — what they must judge — and acts
with the same services as a facilitator (``as_operator=True``, written to each group's
audit log as an operator's step)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from waypoint.core.access import NotAllowed
from waypoint.groups import moderation, selectors
from waypoint.groups.models import Message
from waypoint.groups.views._common import groups_page


@groups_page
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "groups/review.html",
        {
            "reported": selectors.reported_messages(),
            "without_facilitator": selectors.groups_without_facilitator(),
        },
    )


@groups_page
@require_POST
def review_act(request: HttpRequest, message_id: int) -> HttpResponseBase:
    message = Message.objects.filter(pk=message_id).only("pk", "group_id", "author_id").first()
    if message is None:
        raise NotAllowed()
    action = request.POST.get("action", "")
    try:
        if action == "hide":
            moderation.message_hide(
                user=request.user, group_id=message.group_id, message_id=message.pk, as_operator=True
            )
            messages.success(request, _("The message is hidden."))
        elif action == "restore":
            moderation.message_restore(
                user=request.user, group_id=message.group_id, message_id=message.pk, as_operator=True
            )
            messages.success(request, _("The message is visible."))
        elif action == "remove_author" and message.author_id:
            moderation.member_remove(
                user=request.user, group_id=message.group_id, member_id=message.author_id, as_operator=True
            )
            messages.success(request, _("They are no longer in the group."))
        else:
            messages.error(request, _("Choose what to do."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("groups:review")
