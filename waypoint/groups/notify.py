"""The one place groups push a notification: "I'm struggling" reaching members' phones.

Delivery (Web Push or e-mail, by each person's choice, discreet by default, after commit)
belongs to the reminders app's ``notify_send`` (issue 11). In a deployment that leaves that
app out, this does nothing: members with the group open still see the alert live.
"""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger("waypoint.groups")

KIND_STRUGGLING = "group_struggling"


def _notify_send() -> Any:
    try:
        from waypoint.reminders.services import notify_send
    except ImportError:
        return None
    return notify_send


def struggling_push(*, recipients: list[Any], group_id: int, group_name: str, sender_name: str) -> int:
    """Pushes the alert to each recipient; returns how many were handed to notify_send."""
    send = _notify_send()
    if send is None:
        return 0
    url = reverse("groups:room", kwargs={"group_id": group_id})
    # Discreet: nothing about drugs, recovery or a group on a lock screen.
    discreet = _("Someone you know could use a kind word.")
    plain = _("%(name)s in %(group)s is having a hard time right now. Open the group to answer.") % {
        "name": sender_name,
        "group": group_name,
    }
    sent = 0
    for user in recipients:
        try:
            send(user=user, kind=KIND_STRUGGLING, discreet_text=discreet, plain_text=plain, url=url)
        except Exception:
            # A push that fails must never stop the alert reaching the group live.
            logger.warning("struggling push not sent", exc_info=True)
            continue
        sent += 1
    return sent
