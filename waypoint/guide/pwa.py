"""The service worker (/sw.js) and the web app manifest (/manifest.webmanifest): the one
worker of the site, which keeps help readable offline and — for a signed-in person — their
today page, plan, "I'm struggling" and check-in form, and queues a check-in made offline
(docs/offline.md).

The worker script is rendered from a template so that it knows the hashed URLs of the
static files it stores and the pages it may keep; any change to them changes the script,
which makes browsers install the new worker and drop the old caches. Page names are looked
up by name only (``reverse``): the pages themselves belong to their apps.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from waypoint.core.context_processors import DISCREET_COOKIE

SW_VERSION = "2"
PRECACHE_STATIC = [
    "core/waypoint.css",
    "core/waypoint.js",
    "core/icons/waypoint.svg",
    "core/icons/notes.svg",
    "guide/guide.css",
    "guide/offline.js",
    # What the offline recovery pages need (they are stored without their subresources).
    "recovery/recovery.css",
    "recovery/recovery.js",
]
# Public pages kept for offline use once opened (plus the help page and the breathing
# exercise, stored when the worker installs). Pages that can hold something personal
# (account, check results, recovery tools) are never stored here.
CACHEABLE_PAGES = ["help/", "guide/", "for-me/", "for-someone/", "about/", "recovery/breathe/", ""]
PUBLIC_OFFLINE_PAGES = ["core:get_help", "recovery:breathe"]
NEVER_CACHE_PREFIXES = ["/api/", "/admin/", "/account/", "/sw.js"]
# The signed-in person's pages kept offline — on purpose, although they are no-store for the
# HTTP cache: in a cache of their own, named by a key of the person's session (docs/offline.md).
PERSONAL_PAGES = ["recovery:today", "recovery:plan", "recovery:struggling", "recovery:checkin"]
CHECKIN_FORMS = ["recovery:checkin", "recovery:checkin_yesterday"]
STRUGGLING = "recovery:struggling"
TODAY = "recovery:today"
# A POST to any of these ends the session: the worker forgets the person's pages and queue.
SIGN_OUT = ["accounts:logout", "accounts:logout_everywhere", "accounts:delete"]
LOGIN = "accounts:login"
CHECKIN_API = "api:checkin_post"


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _per_language(names: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found[code] = [url for url in (_url(name) for name in names) if url]
    return found


def _one_per_language(name: str) -> dict[str, str]:
    return {code: urls[0] for code, urls in _per_language([name]).items() if urls}


def sw_config() -> dict[str, Any]:
    languages = [code for code, _name in settings.LANGUAGES]
    public_pages = [url for urls in _per_language(PUBLIC_OFFLINE_PAGES).values() for url in urls]
    precache = public_pages + [static(name) for name in PRECACHE_STATIC]
    personal = {
        "pages": _per_language(PERSONAL_PAGES),
        "checkin": _per_language(CHECKIN_FORMS),
        "struggling": _one_per_language(STRUGGLING),
        "today": _one_per_language(TODAY),
        "signOut": [url for urls in _per_language(SIGN_OUT).values() for url in urls],
        "login": list(_one_per_language(LOGIN).values()),
        "api": _url(CHECKIN_API) or "/api/v1/me/checkins",
    }
    version = hashlib.sha256(json.dumps([SW_VERSION, precache, personal]).encode()).hexdigest()[:12]
    return {
        "cache": f"waypoint-{version}",
        "personalPrefix": "waypoint-person-",
        "precache": precache,
        "help": _one_per_language("core:get_help"),
        "languages": languages,
        "pages": CACHEABLE_PAGES,
        "never": NEVER_CACHE_PREFIXES + [f"/{code}/account/" for code in languages] + [settings.STATIC_URL + "admin/"],
        "static": settings.STATIC_URL,
        "offlineScript": static("guide/offline.js"),
        "personal": personal,
    }


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    script = render_to_string("guide/sw.js", {"config": json.dumps(sw_config())})
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    # The worker lives at the root, so its scope may be the whole site.
    response["Service-Worker-Allowed"] = "/"
    # Browsers must see a new worker at once, never a stale copy from a cache.
    response["Cache-Control"] = "no-cache"
    return response


def offline_key(request: HttpRequest) -> str:
    """A key for this signed-in session's offline copies ("" when nobody is signed in).
    Derived from the session, so it names nobody, and changes with every sign-in: another
    person on the same phone never gets the first one's stored pages."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or session is None or not session.session_key:
        return ""
    message = f"waypoint-offline:{user.pk}:{session.session_key}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def offline_state(request: HttpRequest, *, discreet: bool) -> dict[str, Any]:
    """What the page tells the worker: whose pages it may keep and until when (the session's
    end: offline copies are not shown after it), and whether discreet mode is on."""
    key = offline_key(request)
    session = getattr(request, "session", None)
    until = int(time.time()) + int(session.get_expiry_age()) if key and session is not None else 0
    return {
        "person": key,
        "until": until,
        "discreet": "1" if discreet else "0",
        "lang": translation.get_language() or settings.LANGUAGE_CODE,
        "rendered": int(time.time() * 1000),
    }


@require_GET
def web_manifest(request: HttpRequest) -> JsonResponse:
    discreet = request.COOKIES.get(DISCREET_COOKIE) == "1"
    if discreet:
        # Discreet mode: the installed app looks like a plain notes app.
        name = short_name = "Notes"
        icons = [{"src": static("core/icons/notes.svg"), "sizes": "any", "type": "image/svg+xml"}]
    else:
        name, short_name = "Waypoint", "Waypoint"
        icons = [
            {"src": static("core/icons/waypoint.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("guide/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("guide/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("guide/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ]
    manifest = {
        "id": "/",
        "name": name,
        "short_name": short_name,
        "description": "" if discreet else "Get help for opioid use, and stay in recovery.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#16425b",
        "icons": icons,
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    # It differs by the discreet cookie: no shared cache may hand one person's to another.
    response["Cache-Control"] = "no-cache, private"
    response["Vary"] = "Cookie"
    return response
