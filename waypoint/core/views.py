"""Pages of the core app: home (the four doors), Get help now, the three path pages,
about/credits, discreet mode and the health probe."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from waypoint.core import health
from waypoint.core.context_processors import DISCREET_COOKIE


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def get_help(request: HttpRequest) -> HttpResponse:
    return render(request, "core/get_help.html")


@require_GET
def for_me(request: HttpRequest) -> HttpResponse:
    return render(request, "core/for_me.html")


@require_GET
def for_someone(request: HttpRequest) -> HttpResponse:
    return render(request, "core/for_someone.html")


@require_GET
def in_recovery(request: HttpRequest) -> HttpResponse:
    """The door to the recovery companion: it explains it and invites sign-up; a
    signed-in person goes straight to their today page (recovery app)."""
    if request.user.is_authenticated:
        return HttpResponseRedirect(reverse("recovery:today"))
    return render(request, "core/in_recovery.html")


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


@require_POST
def discreet_toggle(request: HttpRequest) -> HttpResponse:
    """Turns discreet mode (neutral page titles and icon) on or off, then goes back."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("core:home")
    response = HttpResponseRedirect(target)
    if request.POST.get("on") == "1":
        response.set_cookie(
            DISCREET_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", secure=settings.HTTPS, httponly=True
        )
    else:
        response.delete_cookie(DISCREET_COOKIE, samesite="Lax")
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    down = health.problems()
    if down:
        return JsonResponse({"status": "down", "down": sorted(down), "errors": down}, status=503)
    return JsonResponse({"status": "ok"})
