"""The reminders' background work (huey; `make run` starts the consumer).

One periodic task sends whatever is due, every minute. It is deliberately *not* wrapped
in ``lock_task``: the rows themselves are claimed atomically (delivery.py), so consumers
running it at once share the work without sending anything twice — and a lock left behind
by a consumer that was killed would stop every reminder until someone flushed it.
"""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from waypoint.core import metrics
from waypoint.reminders import delivery, services


@db_periodic_task(crontab(minute="*"))
def reminders_tick() -> dict[str, Any]:
    report = delivery.tick().as_dict()
    metrics.count_report("reminders", report)  # waypoint_events_total{event="reminders.sent"}…
    return report


@db_task()
def notices_send() -> dict[str, Any]:
    """Sends waiting notifications now (queued when one is made, after commit)."""
    report = delivery.tick(notices_only=True).as_dict()
    metrics.count_report("reminders", report)
    return report


# Hourly: a dose time added on the profile page, or a new time zone, reaches the schedule.
# (A removed dose time stops at once anyway: the tick checks the profile before sending.)
@db_periodic_task(crontab(minute="7"))
@lock_task("reminders-resync")
def reminders_resync() -> int:
    return services.reminders_resync_all()
