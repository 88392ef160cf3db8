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
    assert first.startswith('<link rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials">')
    assert first.endswith(f'<script src="{static("guide/offline.js")}" defer></script>')
    assert second == ""


# --- The offline companion (docs/offline.md) -------------------------------------------------


def _config(client) -> dict:
    return json.loads(re.search(r"var CONFIG = (\{.*\});", client.get("/sw.js").content.decode()).group(1))


def test_the_worker_knows_the_personal_pages_it_may_keep_and_the_sign_out_addresses(client):
    config = _config(client)
    personal = config["personal"]
    assert personal["pages"]["en"] == ["/en/recovery/today/", "/en/recovery/plan/", "/en/recovery/struggling/",
                                       "/en/recovery/check-in/"]  # fmt: skip
    assert personal["pages"]["es"][0] == "/es/recovery/today/"
    assert personal["checkin"]["en"] == ["/en/recovery/check-in/", "/en/recovery/check-in/yesterday/"]
    assert {"/en/account/logout/", "/es/account/logout/", "/en/account/delete/"} <= set(personal["signOut"])
    assert personal["api"] == "/api/v1/me/checkins"
    # The breathing exercise (public) and what the offline recovery pages need are stored at install.
    assert {"/en/recovery/breathe/", "/es/recovery/breathe/", static("recovery/recovery.css"),
            static("guide/offline.js")} <= set(config["precache"])  # fmt: skip
    # Personal pages are never in the public list: they go only to the person's own cache.
    assert not any(page.startswith("recovery/") and page != "recovery/breathe/" for page in config["pages"])


def test_a_page_tells_the_worker_whose_it_is_without_naming_anyone(alice, alice_client, client):
    anonymous = client.get("/en/help/").content.decode()
    assert '<meta name="waypoint-offline" content=""' in anonymous
    page = alice_client.get("/en/help/").content.decode()
    key = re.search(r'<meta name="waypoint-offline" content="([0-9a-f]*)"', page).group(1)
    assert len(key) == 32
    assert alice.username not in page.split("waypoint-offline")[1][:300]
    assert key == re.search(
        r'content="([0-9a-f]*)"', alice_client.get("/en/about/").content.decode().split("waypoint-offline")[1]
    ).group(1)
    # Another sign-in (a new session) gets another key.
    from waypoint.core.tests.personas import client_for

    again = client_for(alice).get("/en/help/").content.decode()
    assert key not in again


def test_the_offline_texts_are_translated(client):
    page = client.get("/es/help/").content.decode()
    assert "Guardado en este teléfono" in page


def test_the_discreet_manifest_says_nothing_about_what_the_site_is(client):
    client.cookies["wp_discreet"] = "1"
    manifest = client.get("/manifest.webmanifest").json()
    assert "opioid" not in json.dumps(manifest).lower()
    assert "Cookie" in client.get("/manifest.webmanifest")["Vary"]
