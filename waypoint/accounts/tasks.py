"""Background work for accounts (huey; `make run` starts the consumer)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from waypoint.accounts import services


# Every 5 minutes: a failed sign-in's address is kept at most the lockout time
# (AXES_COOLOFF_MINUTES) plus 5 minutes.
@db_periodic_task(crontab(minute="*/5"))
@lock_task("accounts-signin-records-purge")
def signin_records_purge() -> int:
    return services.signin_records_purge()
