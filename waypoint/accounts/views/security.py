"""Recovery codes and two-factor sign-in (TOTP)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts import selectors, services, throttle
from waypoint.accounts.forms import PasswordCheckForm, TotpConfirmForm, TotpDisableForm
from waypoint.accounts.views._common import signed_in_user
from waypoint.accounts.views.auth import NEW_CODES_SESSION_KEY, new_codes_get, new_codes_keep
from waypoint.core.access import TWO_STEP_SESSION_KEY


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@throttle.secret_checked
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many codes are left, and a form (needs the password) to make new ones."""
    user = signed_in_user(request)
    form = PasswordCheckForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        new_codes_keep(request, services.recovery_codes_generate(user=user))
        return redirect("accounts:recovery_codes_show")
    if form.wrong_secret:
        throttle.attempt_failed(request, username=user.get_username())
    return render(
        request,
        "accounts/recovery_codes.html",
        {"form": form, "codes_remaining": selectors.recovery_codes_remaining(user=user)},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_show(request: HttpRequest) -> HttpResponse:
    """Shows new codes until the person says they saved them; then they are gone from here."""
    codes = new_codes_get(request)
    if not codes:
        return redirect("accounts:recovery_codes")
    if request.method == "POST":
        del request.session[NEW_CODES_SESSION_KEY]
        return redirect("accounts:home")
    return render(request, "accounts/recovery_codes_show.html", {"codes": codes})


@never_cache
@login_required
@require_GET
def recovery_codes_download(request: HttpRequest) -> HttpResponse:
    """The new codes as a small text file, for people who would rather save than write."""
    codes = new_codes_get(request)
    if not codes:
        return redirect("accounts:recovery_codes")
    lines = [_("Waypoint recovery codes for %(username)s") % {"username": signed_in_user(request).get_username()}, ""]
    lines += codes
    lines += ["", _("Each code works once.")]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="waypoint-recovery-codes.txt"'
    return response


def _qr_svg(uri: str, title: str) -> str:
    """The QR code as inline SVG. segno draws with attributes (stroke, d, transform),
    never style="", so the page keeps CSP style-src 'self'."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", title=title, svgclass="qr")
    return svg.replace("<svg ", '<svg role="img" ', 1)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if selectors.totp_enabled(user=user):
        return render(request, "accounts/totp_on.html")
    device = services.totp_setup_start(user=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(user=user, code=form.cleaned_data["code"]):
            messages.success(request, _("Two-step sign-in is on. Next time you sign in, we will ask for a code."))
            return redirect("accounts:home")
        form.add_error(
            "code", _("That code is not right. Check that the time on your phone is correct, then try the newest code.")
        )
    uri = services.totp_provisioning_uri(device=device)
    secret_groups = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "secret": secret_groups,
            "qr_svg": mark_safe(_qr_svg(uri, _("QR code for your authenticator app"))),  # noqa: S308 - segno output, escaped by segno
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@throttle.secret_checked
def totp_disable(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not selectors.totp_enabled(user=user):
        return redirect("accounts:totp_setup")
    form = TotpDisableForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        if services.second_factor_verify(user=user, code=form.cleaned_data["code"]):
            services.totp_disable(user=user)
            # Without an authenticator this session no longer counts as two-step (staff
            # pages close until it is turned on again and the person signs in with it).
            request.session.pop(TWO_STEP_SESSION_KEY, None)
            messages.success(request, _("Two-step sign-in is off."))
            return redirect("accounts:home")
        form.add_error("code", _("That code is not right. Try the newest code from your app, or a recovery code."))
        throttle.attempt_failed(request, username=user.get_username())
    elif form.wrong_secret:
        throttle.attempt_failed(request, username=user.get_username())
    return render(request, "accounts/totp_disable.html", {"form": form})
