"""Facility-staff pages and API operations: the chokepoint, then two-step sign-in.

Staff read what people send them (a phone number, a self-check summary), so a password
alone never opens these pages, exactly as for the admin (``waypoint.core.access
.is_verified_staff``): the session must have passed the second step of signing in
(``TWO_STEP_SESSION_KEY``, set only by ``accounts:login_2fa``), or an API client must
use a personal access token of an account that has two-step sign-in on.

The order matters: the chokepoint runs first, so someone who is not staff of *this*
facility gets the same 404 as for a facility that does not exist, and only the facility's
own staff ever learn that they need to sign in again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from waypoint.accounts import selectors as account_selectors
from waypoint.accounts.models import User
from waypoint.core.access import TWO_STEP_SESSION_KEY, NotAllowed

from . import selectors
from .models import FacilityStaff

StaffView = Callable[..., HttpResponseBase]


def signed_in(request: HttpRequest) -> User:
    """The signed-in person (every page here is behind page_access, so there is one)."""
    user = request.user
    if not isinstance(user, User):
        raise NotAllowed()
    return user


def session_passed_two_step(request: HttpRequest) -> bool:
    return bool(request.session.get(TWO_STEP_SESSION_KEY))


def _two_step_answer(request: HttpRequest) -> HttpResponse | None:
    """None when the session may open staff pages; otherwise the page that says what to do."""
    if session_passed_two_step(request):
        return None
    if not account_selectors.totp_enabled(user=signed_in(request)):
        messages.info(request, _("Facility staff must use two-step sign-in. Turn it on, then sign in again."))
        return redirect("accounts:totp_setup")
    # An authenticator, but this session was opened before it was turned on.
    return render(request, "availability/two_step_needed.html", {"next": request.path})


def facility_staff_page(*, post_only: bool = False) -> Callable[[StaffView], StaffView]:
    """A page for one facility's staff: ``view(request, staff, **kwargs)`` gets the caller's
    own staff row. No caching (these pages show what people sent)."""

    def decorate(view: StaffView) -> StaffView:
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, facility_id: int, **kwargs: Any) -> HttpResponseBase:
            staff = selectors.facility_staff_for(user=request.user, facility_id=facility_id)
            if post_only and request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            answer = _two_step_answer(request)
            if answer is not None:
                return answer
            return view(request, staff, **kwargs)

        return wrapper

    return decorate


def staff_api_check(request: HttpRequest, *, facility_id: int) -> FacilityStaff:
    """For API operations: the chokepoint, then two-step (a session that passed it, or a
    personal access token of an account with two-step sign-in on). NotAllowed otherwise."""
    staff = selectors.facility_staff_for(user=request.user, facility_id=facility_id)
    uses_token = str(request.headers.get("Authorization", "")).lower().startswith("bearer ")
    if uses_token:
        if not account_selectors.totp_enabled(user=signed_in(request)):
            raise NotAllowed()
    elif not session_passed_two_step(request):
        raise NotAllowed()
    return staff


@never_cache
@require_POST
def reverify(request: HttpRequest) -> HttpResponse:
    """Signs out and goes to the sign-in page, which will ask for the code this time."""
    next_url = str(request.POST.get("next", ""))
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}) or not next_url.startswith(
        "/"
    ):
        next_url = reverse("availability:home")
    logout(request)
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
