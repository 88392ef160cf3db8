"""``{% pwa_head %}``: the manifest link and the service worker registration script.

It prints them once per response, so base.html and a guide template may both use it
while base.html is being updated, without doubling the tags.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
_FLAG = "_waypoint_pwa_head_done"


@register.simple_tag(takes_context=True)
def pwa_head(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    if request is not None:
        if getattr(request, _FLAG, False):
            return mark_safe("")
        setattr(request, _FLAG, True)
    return format_html(
        '<link rel="manifest" href="{}">\n<script src="{}" defer></script>',
        reverse("web_manifest"),
        static("guide/sw-register.js"),
    )
