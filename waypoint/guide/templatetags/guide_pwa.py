"""``{% pwa_head %}``: the manifest link, the offline state of this page for the service
worker, the texts the offline script shows, and that script.

It prints them once per response, so base.html and a guide template may both use it
without doubling the tags.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from waypoint.guide.pwa import CHECKIN_API, offline_state

register = template.Library()
_FLAG = "_waypoint_pwa_head_done"


@register.simple_tag(takes_context=True)
def pwa_head(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    if request is not None:
        if getattr(request, _FLAG, False):
            return mark_safe("")
        setattr(request, _FLAG, True)
    state = offline_state(request, discreet=bool(context.get("discreet"))) if request is not None else None
    # A rendered template: every value in it is escaped.
    return mark_safe(  # noqa: S308
        render_to_string(
            "guide/_pwa_head.html",
            {
                "manifest": reverse("web_manifest"),
                "script": static("guide/offline.js"),
                "state": state,
                "api": reverse(CHECKIN_API),
            },
        ).strip()
    )
