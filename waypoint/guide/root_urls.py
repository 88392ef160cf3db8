"""Served at the site root (not under /en/): a service worker controls only the paths
below its own URL, and the manifest is one file for both languages."""

from django.urls import path

from waypoint.guide import pwa

urlpatterns = [
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.web_manifest, name="web_manifest"),
]
