"""Background work for facility staff (huey; `make run` starts the consumer)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from .notices import operator_notice_send


@db_task(retries=2, retry_delay=300)
def staff_request_notice() -> int:
    """Tells the operator that a request to manage a listing is waiting in the admin."""
    return operator_notice_send()
