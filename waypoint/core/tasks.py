"""Background work of the core app (huey; `make run` starts the consumer).

Each task is a thin wrapper around a service, locked so that two consumers never run the
same periodic job at once.
"""

from __future__ import annotations

import time

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from waypoint.core import metrics, services


# Nightly: expired sessions still hold what a person was doing (pending sign-ins, codes
# waiting to be saved); Django never removes them by itself.
@db_periodic_task(crontab(minute="17", hour="3"))
@lock_task("core-sessions-purge")
def sessions_purge() -> int:
    return services.sessions_purge()


# Every minute a probe goes through the queue, so that /metrics can say how long a task
# waits before it runs (waypoint_task_queue_lag_seconds) and when the consumer last got to
# one (waypoint_task_queue_probe_timestamp_seconds). The periodic task only enqueues the
# probe, stamped now: the probe then waits behind whatever is queued.
@db_periodic_task(crontab(minute="*"))
def queue_probe_enqueue() -> None:
    queue_probe(time.time())


@db_task()
def queue_probe(enqueued_at: float) -> float:
    return metrics.task_queue_probe(enqueued_at)
