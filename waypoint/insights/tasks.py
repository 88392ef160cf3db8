"""Background work of the insights app (huey; `make run` starts the consumer).

Thin wrappers around services. The nightly job only queues batches; each batch is its own
task, so the work spreads over the consumer's workers (and over several consumers), and a
batch that fails is retried without redoing the others. The database stays the source of
truth: a snapshot missed tonight is computed when the person next opens the page.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from waypoint.insights import services


@db_periodic_task(crontab(minute="40", hour="2"))
@lock_task("insights-nightly")
def insights_nightly() -> int:
    return services.insights_nightly_enqueue()


@db_task(retries=2, retry_delay=60)
def insights_batch(user_ids: list[int]) -> int:
    return services.insights_refresh_batch(user_ids=user_ids)


# Hourly: each person's summary goes out on their own Monday morning, in their time zone.
@db_periodic_task(crontab(minute="7"))
@lock_task("insights-weekly")
def insights_weekly() -> int:
    return services.weekly_summaries_send_due()


# Hourly: the early-warning note for whoever chose it, from the stored snapshots only.
@db_periodic_task(crontab(minute="23"))
@lock_task("insights-warning-push")
def insights_warning_push() -> int:
    return services.warning_pushes_send_due()
