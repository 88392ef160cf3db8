"""Background work for requests to be called (huey; `make run` starts the consumer)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from .notify import staff_notify
from .services import handoff_expire_due


@db_task(retries=3, retry_delay=120)
def handoff_notify(facility_id: int, origin: str) -> int:
    """Tells the facility's staff that a request is waiting (see notify.py)."""
    return staff_notify(facility_id=facility_id, origin=origin)


# Every ten minutes: a request never outlives its expiry by more than that. The database is
# the source of truth (expires_at, erased_at), so a missed tick is caught up by the next.
@db_periodic_task(crontab(minute="*/10"))
@lock_task("handoff-expire")
def handoff_expire() -> int:
    """Erases the content of every request past its expiry."""
    return handoff_expire_due(now=timezone.now())
