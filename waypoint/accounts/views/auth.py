"""Sign up, sign in (with a second step when two-factor is on), sign out, passwords."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from waypoint.accounts import limits, selectors, services, throttle
from waypoint.accounts.forms import LoginForm, PasswordChangeForm, ResetWithCodeForm, SecondFactorForm, SignupForm
from waypoint.accounts.models import User, username_fold
from waypoint.accounts.views._common import safe_next, signed_in_user
from waypoint.core.access import TWO_STEP_SESSION_KEY

NEW_CODES_SESSION_KEY = "accounts_new_recovery_codes"
# New recovery codes wait in the session only this long for "I saved them": the session
# store (and its backups) must not keep working credentials for days.
NEW_CODES_MAX_AGE = 15 * 60
PENDING_SESSION_KEY = "accounts_pending_2fa"
PENDING_MAX_AGE = 300  # seconds a person has to type the second-step code
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def new_codes_keep(request: HttpRequest, codes: list[str]) -> None:
    request.session[NEW_CODES_SESSION_KEY] = {"codes": codes, "at": time.time()}


def new_codes_get(request: HttpRequest) -> list[str] | None:
    """The codes waiting to be saved, or None (and gone) once they are too old."""
    kept = request.session.get(NEW_CODES_SESSION_KEY)
    if not isinstance(kept, dict) or time.time() - float(kept.get("at", 0)) > NEW_CODES_MAX_AGE:
        request.session.pop(NEW_CODES_SESSION_KEY, None)
        return None
    return list(kept["codes"])


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:home")
    if request.method == "POST":
        wait = limits.signup_wait(request)
        if wait:
            response = render(request, "accounts/signup_wait.html", {"wait": timedelta(seconds=wait)}, status=429)
            response["Retry-After"] = str(wait)
            return response
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, codes = services.user_signup(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["new_password1"],
            email=form.cleaned_data["email"],
        )
        login(request, user, backend=MODEL_BACKEND)
        # Kept in the session only until the person says they saved them.
        new_codes_keep(request, codes)
        response = redirect("accounts:recovery_codes_show")
        limits.device_remember(response, username=user.get_username())
        return response
    return render(request, "accounts/signup.html", {"form": form})


def _signed_in(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The answer to a complete sign-in. A staff account without two-step sign-in is sent
    to set it up first: staff pages need a session that passed the second step."""
    if user.is_staff and not selectors.totp_enabled(user=user):
        messages.info(request, _("Staff accounts must use two-step sign-in. Turn it on, then sign in again."))
        next_url = reverse("accounts:totp_setup")
    response = redirect(next_url)
    throttle.attempt_succeeded(request, response, username=user.get_username())
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, reverse("accounts:home"))
    if request.user.is_authenticated:
        return redirect(next_url)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if not throttle.attempt_allowed(request, username=username):
            return throttle.lockout_response(request, username=username)
        wait = throttle.attempt_wait(request, username=username)
        if wait:
            return throttle.wait_response(request, wait)
        throttle.hide_request_data(request)  # before authenticate(), which axes records
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            throttle.attempt_failed(request, username=username, seen_by_axes=True)
            # Same words whether the name exists or not: no user enumeration.
            form.add_error(None, _("That username and password do not match. Check both and try again."))
        elif selectors.totp_enabled(user=user):
            request.session[PENDING_SESSION_KEY] = {
                "user_id": user.pk,
                "backend": getattr(user, "backend", MODEL_BACKEND),
                "at": int(time.time()),
            }
            return redirect(f"{reverse('accounts:login_2fa')}?{urlencode({'next': next_url})}")
        else:
            login(request, user)
            return _signed_in(request, user, next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def login_second_step(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: the session is authenticated only once the code is right."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or int(time.time()) - int(pending["at"]) > PENDING_MAX_AGE:
        request.session.pop(PENDING_SESSION_KEY, None)
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_SESSION_KEY, None)
        return redirect("accounts:login")
    next_url = safe_next(request, reverse("accounts:home"))
    if not throttle.attempt_allowed(request, username=user.username):
        return throttle.lockout_response(request, username=user.username)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = throttle.attempt_wait(request, username=user.username)
        if wait:
            return throttle.wait_response(request, wait)
        if services.second_factor_verify(user=user, code=form.cleaned_data["code"]):
            request.session.pop(PENDING_SESSION_KEY, None)
            login(request, user, backend=pending["backend"])
            # Only this step marks a session as having passed two-step sign-in: staff
            # pages (the admin included) need it (waypoint.core.access.is_verified_staff).
            request.session[TWO_STEP_SESSION_KEY] = True
            return _signed_in(request, user, next_url)
        throttle.attempt_failed(request, username=user.username)
        form.add_error("code", _("That code is not right. Try the newest code from your app, or a recovery code."))
    return render(request, "accounts/login_2fa.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm (a link cannot sign anyone out); POST signs out."""
    if request.method == "POST":
        logout(request)
        return redirect("core:home")
    return render(request, "accounts/logout.html")


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    services.sessions_end_all(user=signed_in_user(request))
    logout(request)
    messages.success(request, _("You are signed out on every device, including this one."))
    return redirect("accounts:login")


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "accounts/home.html",
        {
            "totp_enabled": selectors.totp_enabled(user=user),
            "codes_remaining": selectors.recovery_codes_remaining(user=user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@throttle.secret_checked
def password_change(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.password_set(user=user, new_password=form.cleaned_data["new_password1"])
        # Keeps this device signed in; every other one is signed out by the new hash.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is changed. Other devices are signed out."))
        return redirect("accounts:home")
    if form.wrong_secret:
        throttle.attempt_failed(request, username=user.get_username())
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Reset with a recovery code: no e-mail needed. Throttled like signing in."""
    form = ResetWithCodeForm(request.POST or None)
    if request.method == "POST":
        username = username_fold(str(request.POST.get("username", "")))
        if username and not throttle.attempt_allowed(request, username=username):
            return throttle.lockout_response(request, username=username)
        if form.is_valid():
            wait = throttle.attempt_wait(request, username=username)
            if wait:
                return throttle.wait_response(request, wait)
            try:
                user = services.password_reset_with_code(
                    username=form.cleaned_data["username"],
                    code=form.cleaned_data["code"],
                    new_password=form.cleaned_data["new_password1"],
                )
            except ValidationError as error:
                form.add_error("new_password1", error)
            else:
                if user is not None:
                    messages.success(request, _("Your password is changed. Sign in with your new password."))
                    response = redirect("accounts:login")
                    throttle.attempt_succeeded(request, response, username=username)
                    return response
                throttle.attempt_failed(request, username=username)
                form.add_error(None, _("That username and recovery code do not match. Check both and try again."))
    return render(request, "accounts/password_reset.html", {"form": form})
