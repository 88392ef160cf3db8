"""Personal access tokens on the account page: make one (shown once), see them, revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from waypoint.accounts import tokens
from waypoint.accounts.views._common import signed_in_user


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=60,
        help_text=gettext_lazy("So you can tell your tokens apart, for example “my phone”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("What it may do"),
        choices=tokens.PersonalAccessToken.Scope.choices,
        initial=tokens.PersonalAccessToken.Scope.READ,
        widget=forms.RadioSelect,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = tokens.token_create(
            user=user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
        )
        form = TokenForm()
    context = {"form": form, "tokens": tokens.tokens_for_user(user=user), "new_token": new_token}
    return render(request, "accounts/tokens.html", context)


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    tokens.token_revoke(user=signed_in_user(request), token_id=token_id)
    messages.success(request, _("The token is revoked. Apps using it are signed out."))
    return redirect("accounts:tokens")
