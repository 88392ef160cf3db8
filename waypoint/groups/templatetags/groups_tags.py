"""Template tags other apps' pages use to show a piece of groups (through its selectors)."""

from __future__ import annotations

from typing import Any

from django import template

from waypoint.groups import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def groups_for_struggling(context: dict[str, Any]) -> list[Any]:
    """The signed-in person's groups, for the "Tell my group" forms on the recovery app's
    struggling page (groups/_struggling_form.html)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return selectors.my_memberships(user=user)
