"""Sign-in throttling shared by every form that checks a secret for an account.

Three limits apply to every secret (password, authenticator code, recovery code):

- django-axes locks one (username, client address) pair after ``AXES_FAILURE_LIMIT``
  failures for ``AXES_COOLOFF_MINUTES``. The password form goes through
  ``authenticate()``, which axes watches by itself; the forms that check a code, and the
  signed-in pages that ask for the password again, report their failures here.
- ``waypoint.accounts.limits`` slows down guessing one account from many addresses
  (a progressive delay, never a lock) and caps failures per address.

Only a wrong secret counts: a form refused for another reason (two new passwords that
differ, a typo in "DELETE") costs nothing.

The client address is ``waypoint.accounts.clientaddr.client_ip`` (forwarded headers only
from ``TRUSTED_PROXIES``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import render

from waypoint.accounts import limits

_MASK = "********************"


class PrivateAxesHandler(AxesDatabaseHandler):
    """axes' database handler, minus the browser: it records no user agent and no Accept
    header (axes 8 has no setting for that; ``AXES_USER_AGENT_HEADER`` does not exist).
    Neither is needed to stop guessing, which counts by name and address only."""

    @staticmethod
    def _forget_browser(request: HttpRequest | None) -> None:
        if request is not None:
            request.axes_user_agent = ""  # type: ignore[attr-defined]
            request.axes_http_accept = ""  # type: ignore[attr-defined]

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        self._forget_browser(request)
        super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        self._forget_browser(request)
        super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        self._forget_browser(request)
        super().user_logged_out(sender, request, user, **kwargs)


def _credentials(username: str) -> dict[str, str]:
    return {"username": username}


def attempt_allowed(request: HttpRequest, *, username: str) -> bool:
    """False while axes has this (username, address) pair locked out."""
    return bool(AxesProxyHandler.is_allowed(request, _credentials(username)))


def attempt_wait(request: HttpRequest, *, username: str) -> int:
    """Seconds to wait before a secret may be checked (0: go ahead). Call it only just
    before checking one (see ``limits.signin_wait``)."""
    return limits.signin_wait(request, username=username)


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


def attempt_failed(request: HttpRequest, *, username: str, seen_by_axes: bool = False) -> None:
    """Records a wrong secret. If it reaches axes' limit, AxesMiddleware answers with the
    lockout page instead of the view's response. `seen_by_axes`: authenticate() already
    told axes (the password form)."""
    if not seen_by_axes:
        hide_request_data(request)
        user_login_failed.send(sender=__name__, credentials=_credentials(username), request=request)
    limits.signin_failed(request, username=username)


def attempt_succeeded(request: HttpRequest, response: HttpResponseBase, *, username: str) -> None:
    """The account's owner signed in: forget its failures, remember this browser."""
    limits.signin_succeeded(request, response, username=username)


def lockout_response(request: HttpRequest, *, username: str) -> HttpResponse:
    return get_lockout_response(request, None, _credentials(username))


def wait_response(request: HttpRequest, seconds: int) -> HttpResponse:
    """The "please wait" page (the lockout page's words, with this wait), status 429."""
    response = render(
        request, "accounts/locked_out.html", {"cooloff_timedelta": timedelta(seconds=seconds)}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


def secret_checked(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For signed-in pages that ask again for the password or a code (change password, new
    recovery codes, turn off two-step sign-in, delete account): the same limits as the
    sign-in page, so a stolen or unattended session cannot guess them without limit.

    This refuses a POST while a limit holds; the view reports each wrong secret itself
    with :func:`attempt_failed` (a form refused for any other reason costs nothing).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            username = request.user.get_username()
            if not attempt_allowed(request, username=username):
                return lockout_response(request, username=username)
            wait = attempt_wait(request, username=username)
            if wait:
                return wait_response(request, wait)
        return view(request, *args, **kwargs)

    return wrapper
