"""My data: what is stored, download it (JSON or a readable page), delete the account."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts import selectors, services, throttle
from waypoint.accounts.forms import DeleteAccountForm
from waypoint.accounts.views._common import signed_in_user
from waypoint.core import userdata


@never_cache
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "accounts/my_data.html", {"summary": selectors.userdata_summary(user=user)})


def _filename(extension: str) -> str:
    return f"waypoint-my-data-{timezone.now():%Y-%m-%d}.{extension}"


@never_cache
@login_required
@require_GET
def my_data_json(request: HttpRequest) -> HttpResponse:
    export = services.account_export(user=signed_in_user(request))
    body = json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    return response


def _render_value(value: Any) -> SafeString:
    """Any JSON value as nested HTML lists (every string escaped)."""
    if isinstance(value, dict):
        if not value:
            return format_html("<p>{}</p>", "—")
        return format_html(
            "<dl>{}</dl>",
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((k, _render_value(v)) for k, v in value.items())),
        )
    if isinstance(value, list):
        if not value:
            return format_html("<p>{}</p>", "—")
        return format_html("<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((_render_value(v),) for v in value)))
    if value is None:
        return format_html("{}", "—")
    return format_html("{}", value)


@never_cache
@login_required
@require_GET
def my_data_html(request: HttpRequest) -> HttpResponse:
    export = services.account_export(user=signed_in_user(request))
    labels = {provider.key: provider.label for provider in userdata.providers()}
    sections = [
        {"key": key, "label": labels.get(key, key), "html": _render_value(value)}
        for key, value in export["data"].items()
    ]
    html = render_to_string(
        "accounts/my_data_export.html", {"exported_at": export["exported_at"], "sections": sections}, request=request
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("html")}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@throttle.secret_checked
def delete_account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    needs_code = selectors.totp_enabled(user=user)
    form = DeleteAccountForm(request.POST or None, user=user, needs_code=needs_code)
    if request.method == "POST" and form.is_valid():
        if needs_code and not services.second_factor_verify(user=user, code=form.cleaned_data["code"]):
            form.add_error("code", _("That code is not right. Try the newest code from your app, or a recovery code."))
            throttle.attempt_failed(request, username=user.get_username())
        else:
            services.account_delete(user=user)
            logout(request)
            return redirect("accounts:deleted")
    elif form.wrong_secret:
        # Only a wrong password counts: a typo in "DELETE" is just shown again.
        throttle.attempt_failed(request, username=user.get_username())
    return render(request, "accounts/delete.html", {"form": form, "needs_code": needs_code})


def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/deleted.html")
