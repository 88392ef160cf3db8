"""Served at the site root (not under /en/): a service worker controls only the paths
below its own URL, and the manifest is one file for both languages."""

from django.urls import path

from waypoint.core.access import Policy, page_access
from waypoint.guide import pwa

public = page_access(Policy.PUBLIC)

urlpatterns = [
    path("sw.js", public(pwa.service_worker), name="service_worker"),
    path("manifest.webmanifest", public(pwa.web_manifest), name="web_manifest"),
]
