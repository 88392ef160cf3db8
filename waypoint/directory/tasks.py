"""Background work for the directory (huey; `make run` starts the consumer)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from .reports import listing_report_digest_send


# Five minutes past the hour, so a report saved at 12:59:59 has been committed before the
# 12:00–13:00 digest reads the table.
@db_periodic_task(crontab(minute="5"), retries=2, retry_delay=300)
@lock_task("directory-listing-report-digest")
def listing_report_digest() -> int:
    """One e-mail to the operator with the last clock hour's listing reports."""
    return listing_report_digest_send(now=timezone.now())


@db_task(retries=0)
def import_job_task(job_id: int) -> None:
    """An admin upload, imported outside the web worker (services.import_job_run)."""
    from .services import import_job_run

    import_job_run(job_id=job_id)
