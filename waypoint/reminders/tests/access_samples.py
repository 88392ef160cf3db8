"""URL values for the access-policy walk: alice's reminder and device."""

from __future__ import annotations

import datetime as dt
from typing import Any


def samples(cast: Any) -> dict[str, Any]:
    from waypoint.recovery.tests.conftest import make_profile
    from waypoint.reminders import services
    from waypoint.reminders.models import Reminder
    from waypoint.reminders.tests.conftest import browser_keys

    alice = cast.alice
    if not hasattr(alice, "recovery_profile"):
        make_profile(alice)
    services.reminder_settings_save(
        user=alice, channel="email", wording="discreet", email="alice-reminder-address@example.org",
        quiet_start=None, quiet_end=None, language="en", checkin_at=dt.time(20, 0),
    )  # fmt: skip
    _private, p256dh, _secret, auth = browser_keys()
    device = services.push_subscription_save(
        user=alice, endpoint="https://fcm.googleapis.com/fcm/send/alice-device", p256dh=p256dh, auth=auth
    )
    cast.markers += ["alice-reminder-address@example.org"]
    reminder = Reminder.objects.get(user=alice, kind="checkin")
    return {
        "reminders:device_remove": {"subscription_id": device.pk},
        "reminders:snooze": {"reminder_id": reminder.pk},
    }
