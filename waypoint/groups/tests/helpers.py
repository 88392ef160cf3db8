"""Building groups for tests, through the real services."""

from __future__ import annotations

from typing import Any

from waypoint.groups import messaging, services
from waypoint.groups.models import FacilitatorGrant, Membership


def make_facilitator(user: Any) -> Any:
    FacilitatorGrant.objects.get_or_create(user=user)
    return user


def make_group(
    facilitator: Any, *members: Any, name: str = "Tuesday circle", size_limit: int | None = None
) -> Membership:
    """A group started by `facilitator` (made one), with `members` joined by invite.
    Returns the facilitator's membership."""
    make_facilitator(facilitator)
    lead = services.group_create(
        user=facilitator, name=name, display_name=f"{facilitator.username}-lead", size_limit=size_limit
    )
    if members:
        invite = services.invite_create(user=facilitator, group_id=lead.group_id)
        for person in members:
            services.group_join(user=person, code=invite.code, display_name=person.username.title(), accept=True)
    return lead


def join(group_id: int, person: Any, *, by: Any, display_name: str | None = None) -> Membership:
    invite = services.invite_create(user=by, group_id=group_id)
    return services.group_join(
        user=person, code=invite.code, display_name=display_name or person.username.title(), accept=True
    )


def post(person: Any, group_id: int, text: str) -> Any:
    return messaging.message_post(user=person, group_id=group_id, text=text).message
