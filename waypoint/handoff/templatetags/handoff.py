"""Where other pages offer a request to be called, and the staff's inbox tab:

- ``{% handoff_button facility %}`` on a facility's page: only when it has staff on Waypoint;
- ``{% handoff_offer rows instrument %}`` on a self-check result: a form that posts the
  answers (never a link: answers never go in a URL), shown only when some place takes requests;
- ``{% inbox_tab staff current %}`` in the staff pages' menu, with the number of new requests.
"""

from __future__ import annotations

from typing import Any

from django import template

from waypoint.availability import selectors as staff_selectors
from waypoint.handoff import selectors

register = template.Library()


@register.inclusion_tag("handoff/_button.html", takes_context=True)
def handoff_button(context: Any, facility: Any) -> dict[str, Any]:
    return {
        "facility": facility,
        "open": staff_selectors.facility_takes_handoffs(facility_id=facility.pk),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("handoff/_offer.html", takes_context=True)
def handoff_offer(context: Any, rows: Any, instrument: Any) -> dict[str, Any]:
    return {
        "rows": rows,
        "instrument": instrument,
        "open": staff_selectors.any_facility_takes_handoffs(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("handoff/_inbox_tab.html")
def inbox_tab(staff: Any, current: str = "") -> dict[str, Any]:
    return {"staff": staff, "new": selectors.new_count(facility_id=staff.facility_id), "current": current}
