"""Sign-in throttling shared by every form that checks a secret for an account.

django-axes counts failures per (username, IP address). The password form goes through
``authenticate()``, which axes watches by itself; the forms that check a recovery code
or an authenticator code report their failures here, so guessing a code is locked out
exactly like guessing a password.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, QueryDict

_MASK = "********************"


def _credentials(username: str) -> dict[str, str]:
    return {"username": username}


def attempt_allowed(request: HttpRequest, *, username: str) -> bool:
    return bool(AxesProxyHandler.is_allowed(request, _credentials(username)))


def _masked(data: QueryDict) -> QueryDict:
    masked = QueryDict(mutable=True)
    for key in data:
        masked[key] = _MASK
    return masked


def hide_request_data(request: HttpRequest) -> None:
    """axes copies the query string and POST body of every failure into its table. Call
    this once the form has read them: every value is replaced by stars, so no code, new
    password or `next` page (which can tell what someone was reading) is stored."""
    request.POST = _masked(request.POST)  # type: ignore[assignment]
    request.GET = _masked(request.GET)  # type: ignore[assignment]


def attempt_failed(request: HttpRequest, *, username: str) -> None:
    """Records a failed attempt. If it reaches the limit, AxesMiddleware answers with the
    lockout page instead of the view's response."""
    hide_request_data(request)
    user_login_failed.send(sender=__name__, credentials=_credentials(username), request=request)


def lockout_response(request: HttpRequest, *, username: str) -> HttpResponse:
    return get_lockout_response(request, None, _credentials(username))


def secret_checked(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For signed-in pages that ask again for the password or a code (change password, new
    recovery codes, turn off two-step sign-in, delete account): the same lockout as the
    sign-in page, so a stolen or unattended session cannot guess them without limit.

    A POST the view answers by showing its form again (200) was refused, and counts as a
    failed attempt; success always redirects.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.user.get_username()
        if request.method == "POST" and not attempt_allowed(request, username=username):
            return lockout_response(request, username=username)
        response = view(request, *args, **kwargs)
        if request.method == "POST" and response.status_code == 200:
            attempt_failed(request, username=username)
        return response

    return wrapper
