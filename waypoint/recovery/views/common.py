"""What every recovery page shares: no caching anywhere (every page holds personal data),
the person's own time zone for every time shown, the signed-in person's profile (or a
redirect to set it up), and the page language."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache

from waypoint.recovery import selectors
from waypoint.recovery.models import RecoveryProfile

_PROFILE = "_recovery_profile"


def profile_of(request: HttpRequest) -> RecoveryProfile | None:
    """The signed-in person's profile, looked up once per request."""
    if not hasattr(request, _PROFILE):
        setattr(request, _PROFILE, selectors.profile_for(user=request.user))
    return getattr(request, _PROFILE)


def personal(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Cache-Control: no-store (and private, max-age=0): a shared computer's browser or a
    proxy must never keep a copy of a recovery page. Times on the page are shown in the
    person's own zone."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        profile = profile_of(request)
        with timezone.override(selectors.zone(profile.time_zone if profile else None)):
            return view(request, *args, **kwargs)

    return never_cache(wrapper)


def with_profile(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Passes the person's profile as ``profile``; without one, sends them to set it up."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        profile = profile_of(request)
        if profile is None:
            return redirect("recovery:start")
        return view(request, *args, profile=profile, **kwargs)

    return wrapper


def language() -> str:
    return translation.get_language() or "en"
