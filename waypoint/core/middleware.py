"""Small middleware of our own: headers Django lacks and the language cookie."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware import csrf
from django.utils import translation

Handler = Callable[[HttpRequest], HttpResponse]


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy (Django has no setting for it) to every response."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class LanguageCookieMiddleware:
    """Remembers the language of the last prefixed page a person opened.

    LocaleMiddleware reads the cookie when someone opens "/" again, so following the
    language switcher (a plain link, which works without JavaScript) is enough to make
    the choice stick.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
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
