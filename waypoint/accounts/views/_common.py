from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from waypoint.accounts.models import User


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` page from the form or query, only if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in person (views using this are wrapped in login_required)."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    return user
