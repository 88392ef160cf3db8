"""How an API client proves who it is, for the personal ("me") parts of the API.

``PERSONAL_AUTH`` goes in a router's ``auth=``: a personal access token
(``Authorization: Bearer wpt_…``, made on the account page) or the browser's session. A
session needs the CSRF token on unsafe methods, exactly like a form (a token does not: it is
not sent by the browser on its own). A read-only token is refused on unsafe methods.
Who may then use an operation is its ``api_access`` policy (waypoint.core.access).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from waypoint.core.middleware import CsrfViewMiddleware

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header.")


class ReadOnlyToken(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "This token can only read. Make a read-and-write token to change things.")


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session, with the site's own CSRF check (which accepts the
    `Origin: null` that Referrer-Policy: no-referrer makes browsers send)."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, with our middleware

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS:
            middleware = CsrfViewMiddleware(lambda r: HttpResponse())
            request.csrf_processing_done = False  # type: ignore[attr-defined]
            middleware.process_request(request)
            if middleware.process_view(request, lambda r: HttpResponse(), (), {}) is not None:
                raise CsrfFailed()
        return request.user


class TokenAuth(HttpBearer):
    """A personal access token; a read-only one may not change anything."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from waypoint.accounts.tokens import token_authenticate

        found = token_authenticate(token)
        if found is None:
            return None
        if request.method not in SAFE_METHODS and not found.can_write:
            raise ReadOnlyToken()
        # The rest of the app (api_access, chokepoints) reads request.user.
        request.user = found.user
        return found.user


PERSONAL_AUTH = [TokenAuth(), SessionAuth()]
