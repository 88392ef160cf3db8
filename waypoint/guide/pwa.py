"""The service worker (/sw.js) and the web app manifest (/manifest.webmanifest).

The worker script is rendered from a template so that it knows the hashed URLs of the
core CSS and JS; any change to them changes the script, which makes browsers install the
new worker and drop the old cache.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from waypoint.core.context_processors import DISCREET_COOKIE

SW_VERSION = "1"
PRECACHE_STATIC = [
    "core/waypoint.css",
    "core/waypoint.js",
    "core/icons/waypoint.svg",
    "guide/guide.css",
    "guide/sw-register.js",
]
# Pages kept for offline use once opened (plus /<lang>/help/, cached on install). Pages that
# can hold something personal (account, check results, recovery tools) are never stored.
CACHEABLE_PAGES = ["help/", "guide/", "for-me/", "for-someone/", "about/", ""]
NEVER_CACHE_PREFIXES = ["/api/", "/admin/", "/account/", "/sw.js"]


def _help_urls() -> list[str]:
    urls = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls.append(reverse("core:get_help"))
    return urls


def sw_config() -> dict[str, object]:
    languages = [code for code, _name in settings.LANGUAGES]
    precache = _help_urls() + [static(name) for name in PRECACHE_STATIC]
    version = hashlib.sha256(json.dumps([SW_VERSION, precache]).encode()).hexdigest()[:12]
    return {
        "cache": f"waypoint-{version}",
        "precache": precache,
        "languages": languages,
        "pages": CACHEABLE_PAGES,
        "never": NEVER_CACHE_PREFIXES + [f"/{code}/account/" for code in languages] + [settings.STATIC_URL + "admin/"],
        "static": settings.STATIC_URL,
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
        "description": "Get help for opioid use, and stay in recovery.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#16425b",
        "icons": icons,
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response
