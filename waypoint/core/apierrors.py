"""The API's one error shape, for every router and every status.

Every error the API answers looks like django-ninja's own validation errors, so a client
handles one shape::

    {"detail": [{"loc": ["query", "near"], "msg": "Unknown ZIP code.", "type": "unknown_place"}]}

``loc`` names where the problem is (``["query", field]``, ``["body", field]``,
``["path", param]``, or ``[]`` for the request as a whole), ``msg`` is for people and
``type`` for programs. Operations list :data:`ERROR_RESPONSES` in their ``response=`` so
that the OpenAPI document says so; a test checks every operation does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.responses import Status
from pydantic import BaseModel, Field

logger = logging.getLogger("waypoint.api")


class ApiErrorItem(BaseModel):
    loc: list[str | int] = Field(description="Where: e.g. ['query', 'near'], ['body', 'date'], ['path', 'id'], or [].")
    msg: str = Field(description="What went wrong, for people.")
    type: str = Field(description="What went wrong, for programs (e.g. not_found, rate_limited, missing).")


class ApiError(BaseModel):
    """Every error answer of the Waypoint API."""

    detail: list[ApiErrorItem]


# What every operation may answer besides success; where it needs a sign-in, also 401 (no
# or a bad credential) and 403 (a session without its CSRF token, or a read-only token
# asked to write — never "not yours", which is 404).
ERROR_RESPONSES: dict[int, type[BaseModel]] = {400: ApiError, 404: ApiError, 422: ApiError, 429: ApiError}
AUTH_ERROR_RESPONSES: dict[int, type[BaseModel]] = {401: ApiError, 403: ApiError, **ERROR_RESPONSES}


def error_body(*, loc: Sequence[str | int], msg: str, type: str) -> dict[str, Any]:
    return {"detail": [{"loc": list(loc), "msg": msg, "type": type}]}


def api_error(status: int, *, loc: Sequence[str | int], msg: str, type: str) -> Status[dict[str, Any]]:
    """An error answer from inside an operation, e.g. ``return api_error(422, loc=["query", "near"], ...)``."""
    return Status(status, error_body(loc=loc, msg=msg, type=type))


def _normalise_validation(errors: list[dict[str, Any]]) -> dict[str, Any]:
    # ninja adds pydantic's `ctx`, `url` and `input` (which would echo what the client
    # sent, health data included, into logs and proxies); keep only the documented keys.
    items = []
    for error in errors:
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", [])]
        items.append(
            {"loc": loc, "msg": str(error.get("msg", "Invalid value.")), "type": str(error.get("type", "invalid"))}
        )
    return {"detail": items}


def install(api: NinjaAPI) -> None:
    """Registers the handlers that give every error of `api` the one shape."""

    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, _normalise_validation(exc.errors), 422)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        # NotAllowed is an Http404: "not yours" and "not there" are the same answer.
        return respond(request, error_body(loc=[], msg="Not found.", type="not_found"), 404)

    def on_throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        response = respond(
            request, error_body(loc=[], msg="Too many requests. Try again soon.", type="rate_limited"), 429
        )
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        body = error_body(loc=[], msg="Sign in, or send a personal access token.", type="not_authenticated")
        return respond(request, body, 401)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        from waypoint.core.apiauth import CsrfFailed, ReadOnlyToken

        if isinstance(exc, CsrfFailed | ReadOnlyToken):
            kind = "csrf_failed" if isinstance(exc, CsrfFailed) else "read_only_token"
            return respond(request, error_body(loc=[], msg=exc.message, type=kind), 403)
        # Any other 403 would confirm that something exists: the API answers 404 instead.
        status = 404 if exc.status_code == 403 else exc.status_code
        kind = "not_found" if status == 404 else "http_error"
        return respond(request, error_body(loc=[], msg=str(exc) if status != 404 else "Not found.", type=kind), status)

    def on_unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        from django.core.exceptions import SuspiciousOperation

        if isinstance(exc, SuspiciousOperation):
            # Too many parameters, a body over the size limit, a bad host: the client's fault.
            return respond(request, error_body(loc=[], msg="This request is not acceptable.", type="bad_request"), 400)
        # Never a traceback to the client. The log names the operation, not the request's data.
        logger.error(
            "API error in %s", request.resolver_match.view_name if request.resolver_match else "?", exc_info=exc
        )
        return respond(request, error_body(loc=[], msg="Something went wrong on our side.", type="server_error"), 500)

    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ValidationError, on_validation)
