"""Service worker, web app manifest and the tags that register them."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import Context, Template
from django.templatetags.static import static
from django.test import RequestFactory


def test_it_serves_the_service_worker_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    config = json.loads(re.search(r"var CONFIG = (\{.*\});", script).group(1))
    assert {"/en/help/", "/es/help/", static("core/waypoint.css"), static("core/waypoint.js")} <= set(
        config["precache"]
    )
    assert {"/api/", "/account/", "/en/account/", "/es/account/"} <= set(config["never"])
    assert 'request.method !== "GET"' in script  # POST responses are never cached


def test_it_changes_the_cache_name_when_the_precached_files_change(client, settings):
    first = client.get("/sw.js").content.decode()
    settings.LANGUAGES = [("en", "English")]
    second = client.get("/sw.js").content.decode()
    name = re.compile(r'"cache": "(waypoint-[0-9a-f]+)"')
    assert name.search(first).group(1) != name.search(second).group(1)


def test_it_serves_an_installable_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "Waypoint"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix(settings.STATIC_URL)
        assert staticfiles_storage.exists(name), name


def test_it_names_the_installed_app_neutrally_in_discreet_mode(client):
    client.cookies["wp_discreet"] = "1"
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["name"] == "Notes"
    assert "notes" in manifest["icons"][0]["src"]


def test_it_prints_the_head_tags_once_per_page():
    request = RequestFactory().get("/en/")
    template = Template("{% load guide_pwa %}{% pwa_head %}|{% pwa_head %}")
    first, second = template.render(Context({"request": request})).split("|")
    assert first == (
        '<link rel="manifest" href="/manifest.webmanifest">\n'
        f'<script src="{static("guide/sw-register.js")}" defer></script>'
    )
    assert second == ""
