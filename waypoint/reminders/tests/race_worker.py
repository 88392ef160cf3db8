"""A separate consumer process for tests/test_race.py (run as
``python -m waypoint.reminders.tests.race_worker setup|consume START``): real processes, each
with its own database connection, racing over one database."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
PEOPLE = 30
SET_UP_AT = dt.datetime(2026, 3, 2, 12, 0, tzinfo=NY)
DUE_AT = dt.datetime(2026, 3, 2, 20, 0, tzinfo=NY)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    import django

    django.setup()


def setup() -> None:
    import time_machine

    from waypoint.core.tests.personas import UserFactory
    from waypoint.recovery import services as recovery
    from waypoint.reminders import services
    from waypoint.reminders.tests.conftest import browser_keys

    with time_machine.travel(SET_UP_AT, tick=False):
        for n in range(PEOPLE):
            person = UserFactory(username=f"racer{n}")
            recovery.profile_save(
                user=person,
                start_date=dt.date(2026, 2, 1),
                time_zone="America/New_York",
                medication_kind="buprenorphine",
                dose_times=["08:00", "20:00"],
            )
            _private, p256dh, _secret, auth = browser_keys()
            services.push_subscription_save(
                user=person, endpoint=f"https://fcm.googleapis.com/fcm/send/racer{n}", p256dh=p256dh, auth=auth
            )
            services.reminder_settings_save(
                user=person, channel="push", wording="discreet", email=None, quiet_start=None, quiet_end=None,
                language="en", checkin_at=dt.time(20, 0), doses_on=True,
            )  # fmt: skip
    print(json.dumps({"people": PEOPLE}))


def consume(start: float) -> None:
    from waypoint.reminders import delivery, push
    from waypoint.reminders.tests.conftest import FakePushService

    service = FakePushService(on_send=lambda target: time.sleep(0.003))
    push.set_sender(service)
    while time.time() < start:  # both consumers begin together
        time.sleep(0.001)
    report = delivery.tick(now=DUE_AT, batch=4)
    print(json.dumps({"topics": [meta["topic"] for _e, _p, meta in service.sent], "report": report.as_dict()}))


if __name__ == "__main__":
    _django()
    if sys.argv[1] == "setup":
        setup()
    else:
        consume(float(sys.argv[2]))
