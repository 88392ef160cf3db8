"""What every group page shares: no caching, the viewer's time zone, the member's context."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.cache import never_cache

from waypoint.groups import selectors
from waypoint.groups.models import Membership

# The browser's zone, set by groups/chat.js (and the meeting finder's script).
TZ_COOKIE = "wp_tz"


def _viewer_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    name = request.COOKIES.get(TZ_COOKIE, "").strip()[:64]
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def groups_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Every group page: `Cache-Control: no-store` (personal pages), times shown in the
    viewer's own zone when the browser told us it."""

    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        zone = _viewer_zone(request)
        if zone is None:
            return view(request, *args, **kwargs)
        with timezone.override(zone):
            return view(request, *args, **kwargs)

    return wrapper


def group_nav(membership: Membership, *, current: str) -> dict[str, Any]:
    """The context every page of one group needs for its header and menu."""
    pending = selectors.pending_count(group_id=membership.group_id) if membership.is_facilitator else 0
    return {"me": membership, "group": membership.group, "current": current, "pending": pending}


def _post_only(
    check: Callable[..., Any],
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """A POST-only view whose chokepoint runs before the method check: someone outside the
    group gets 404 whatever the method (a 405 would tell them the group exists)."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            check(user=request.user, group_id=kwargs["group_id"])
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


member_post = _post_only(selectors.group_for_member)
facilitator_post = _post_only(selectors.group_for_facilitator)
