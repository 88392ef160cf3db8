"""My groups, starting a group, joining with an invite."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from waypoint.groups import selectors, services
from waypoint.groups.forms import GroupCreateForm, JoinCodeForm, JoinForm
from waypoint.groups.views._common import groups_page


def _apply_errors(form: object, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form (by field when it names one)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None  # type: ignore[attr-defined]
            for item in errors:
                form.add_error(target, item)  # type: ignore[attr-defined]
    else:
        for text in error.messages:
            form.add_error(None, text)  # type: ignore[attr-defined]


@groups_page
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "groups/index.html",
        {
            "memberships": selectors.my_memberships(user=request.user),
            "may_start": selectors.may_start_groups(user=request.user),
            "join_form": JoinCodeForm(),
        },
    )


@groups_page
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponseBase:
    if not selectors.may_start_groups(user=request.user):
        return render(request, "groups/cannot_start.html")
    form = GroupCreateForm(
        request.POST or None,
        initial={"agreement": services.default_agreement(), "size_limit": services.DEFAULT_SIZE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.group_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your group is ready. Make an invite to bring people in."))
            return redirect("groups:manage", group_id=membership.group_id)
    return render(request, "groups/create.html", {"form": form})


@groups_page
@require_http_methods(["GET", "POST"])
def join_code(request: HttpRequest) -> HttpResponseBase:
    """Typing or pasting a code: it goes into the join page's address (a code names nothing)."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("groups:join", code=form.cleaned_data["code"])
    return render(request, "groups/join_code.html", {"form": form})


@groups_page
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponseBase:
    invite = selectors.invite_for_code(code=code)
    if invite is None:
        return render(request, "groups/join_invalid.html", status=404)
    already = invite.group.memberships.filter(user_id=request.user.pk or 0, state="active").exists()
    if already:
        return redirect("groups:room", group_id=invite.group_id)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.group_join(user=request.user, code=code, **form.cleaned_data)
        except services.InviteNotUsable:
            return render(request, "groups/join_invalid.html", status=404)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Welcome. You are in the group."))
            return redirect("groups:room", group_id=membership.group_id)
    return render(
        request,
        "groups/join.html",
        {
            "invite": invite,
            "group": invite.group,
            "members": selectors.active_count(group_id=invite.group_id),
            "form": form,
        },
    )
