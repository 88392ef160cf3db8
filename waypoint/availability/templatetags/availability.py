"""``{% availability_line facility %}``: the availability line beside a place in the locator
(its results and its page). Reads the facility's ``availability`` relation, which the
locator's search loads with the page's facilities: no query per result."""

from __future__ import annotations

from typing import Any

from django import template

from waypoint.availability import rules
from waypoint.availability.display import line_for

register = template.Library()


@register.inclusion_tag("availability/_line.html")
def availability_line(facility: Any, detailed: bool = False, inline: bool = False) -> dict[str, Any]:
    """``detailed`` adds the staff's note (a facility's own page); ``inline`` draws it as a
    span, for inside a label."""
    return {"line": line_for(facility), "detailed": detailed and not inline, "tag": "span" if inline else "p"}


@register.simple_tag
def availability_rules() -> dict[str, int]:
    """The ageing rules, for wording that states them (rules.py is the one source)."""
    return {"fresh_days": rules.FRESH_DAYS, "drop_days": rules.DROP_DAYS, "soon_days": rules.SOON_MAX_DAYS}
