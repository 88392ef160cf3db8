"""Values for the group URLs in the access walk (waypoint/core/tests/test_access_policies.py):
alice is a member and the facilitator of group A; charlie is a member of group B; bob is in
no group. Only alice may ever see group A's conversation."""

from __future__ import annotations

from typing import Any

from waypoint.core.tests.personas import Cast, UserFactory
from waypoint.groups import moderation, services
from waypoint.groups.tests.helpers import make_group, post

MARKER = "a-group-a-message-only-alice-may-read-6d1e"
HELD_MARKER = "group-a-held-note-plug-hmu-7f22"


def samples(cast: Cast) -> dict[str, Any]:
    other = UserFactory(username="groups-sample-member")
    lead_a = make_group(cast.alice, other, name="Group A circle")
    make_group(UserFactory(username="groups-b-lead"), cast.charlie, name="Group B circle")
    group_id = lead_a.group_id
    message = post(other, group_id, MARKER)
    # A message in the facilitator's queue, held for review: its text is for her only.
    post(other, group_id, HELD_MARKER)
    # A reported message: operators read reported messages on their review page, so its
    # text is not a marker (the conversation's other messages are).
    reported = post(other, group_id, "a reported sample message")
    moderation.report_create(user=cast.alice, group_id=group_id, message_id=reported.pk, reason="other")
    invite = services.invite_create(user=cast.alice, group_id=group_id)
    other_member = message.author_id
    cast.markers.extend([MARKER, HELD_MARKER])
    ids = {"group_id": group_id}
    msg = {**ids, "message_id": message.pk}
    return {
        "groups:join": {"code": invite.code},
        "groups:review_act": {"message_id": reported.pk},
        "groups:room": ids,
        "groups:post": ids,
        "groups:struggling": ids,
        "groups:message": msg,
        "groups:message_edit": msg,
        "groups:message_delete": msg,
        "groups:message_react": msg,
        "groups:message_report": msg,
        "groups:board": ids,
        "groups:membership": ids,
        "groups:agreement": ids,
        "groups:leave": ids,
        "groups:manage": ids,
        "groups:invite_create": ids,
        "groups:invite_revoke": {**ids, "invite_id": invite.pk},
        "groups:transfer": ids,
        "groups:moderation": ids,
        "groups:moderate_message": msg,
        "groups:moderate_member": {**ids, "member_id": other_member},
        "groups:moderation_log": ids,
        "ws_group": ids,
    }
