"""Small middleware of our own: headers Django lacks and the language cookie."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import async_to_sync, iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware import csrf
from django.utils import translation
from servestatic.middleware import ServeStaticMiddleware

Handler = Callable[[HttpRequest], Any]


class ResponseMiddleware:
    """A middleware that only changes the response, in memory, in either mode.

    Django's ``sync_and_async_middleware`` pattern: it runs synchronously in a sync chain
    and as a coroutine in an async one, so Django never adapts it (each adaptation is a
    hop between the event loop and a thread). ``process_response`` must not block: no
    database, no file, no network.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.is_async:
            return self.__acall__(request)
        return self.process_response(request, self.get_response(request))

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        return self.process_response(request, await self.get_response(request))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        raise NotImplementedError


class SecurityHeadersMiddleware(ResponseMiddleware):
    """Adds Permissions-Policy (Django has no setting for it) to every response."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class LanguageCookieMiddleware(ResponseMiddleware):
    """Remembers the language of the last prefixed page a person opened.

    LocaleMiddleware reads the cookie when someone opens "/" again, so following the
    language switcher (a plain link, which works without JavaScript) is enough to make
    the choice stick.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        from_path = translation.get_language_from_path(request.path_info)
        if from_path and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != from_path:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                from_path,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=True,
            )
        return response


class StaticFilesMiddleware:
    """ServeStatic's middleware (hashed, compressed static files), usable in a sync chain.

    ``ServeStaticMiddleware`` is async-only. In the sync middleware chain that
    waypoint.core.handler runs, Django would adapt it — every request, static or not,
    would leave its thread for the event loop and come back (four thread switches). Here a
    request that is not for a static file goes straight on in the same mode; a static file
    is served by ServeStatic's own code (its async response is streamed by the server). In
    an async chain it is ServeStatic itself.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            self.static = ServeStaticMiddleware(get_response)
            markcoroutinefunction(self)
        else:
            # ServeStatic needs an async next step; in sync mode it is only ever asked to
            # serve a file it has (or, with DEBUG, to explain a missing one), never to pass on.
            self.static = ServeStaticMiddleware(self._async_get_response)

    async def _async_get_response(self, request: HttpRequest) -> Any:
        return await sync_to_async(self.get_response)(request)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.static(request)
        static = self.static
        path = request.path_info
        found = static.find_file(path) if static.autorefresh else static.files.get(path)
        if found is not None:
            return async_to_sync(static.aserve)(found, request)
        if settings.DEBUG and request.path.startswith(settings.STATIC_URL):
            return async_to_sync(static)(request)  # ServeStatic's own "file not found" help
        return self.get_response(request)


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    """Django's CSRF protection, made to work with ``Referrer-Policy: no-referrer``.

    Under that policy browsers send ``Origin: null`` on every form post (Fetch standard,
    "serializing a request origin"), which Django's origin check rejects. We accept a null
    origin only when the browser's own ``Sec-Fetch-Site`` header says the request came from
    this site (or is absent, as in older browsers); the secret token in the form is still
    required in every case.
    """

    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null":
            return request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") == "same-origin"
        return super()._origin_verified(request)  # type: ignore[misc]  # private in the stubs
