""" "Something wrong with this listing?" reports: kept for the operator, throttled, and
e-mailed as one digest an hour rather than one message per report.

The form is anonymous, so without limits anyone can store thousands of reports and send
the operator thousands of e-mails (a review stored 3,699 in 30 seconds). Two fixed
one-hour windows, counted in the cache (Redis in production, shared by every worker):
- per address: `LISTING_REPORTS_PER_ADDRESS` reports an hour from one client address
  (kept in the cache only as a keyed hash, for two hours at most);
- for everyone together: `LISTING_REPORTS_PER_HOUR`, so a flood from many addresses cannot
  fill the table either.
The digest (`tasks.listing_report_digest`, a periodic task a few minutes past each hour)
lists the reports of the hour that just ended, once, even with several task consumers.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from .models import Facility, ListingReport

WINDOW_SECONDS = 3600
DIGEST_MAX_LISTED = 200
_PREFIX = "waypoint:listing-report"


class ListingReportRefused(Exception):
    """Too many reports in this hour, from this address (`scope="address"`) or from
    everyone (`scope="everyone"`)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(scope)


def client_address(request: HttpRequest) -> str:
    """The address a limit counts by: REMOTE_ADDR, which the ASGI server sets (from a
    trusted proxy's header only when it is told to), never a header the client writes."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _address_key(address: str, window: int) -> str:
    # A keyed hash: the cache never holds a client address.
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{_PREFIX}:address:{digest}:{window}"


def _count(key: str) -> int:
    """Adds one to a window's counter and returns it (atomic in Redis; in-process, per process)."""
    cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=2 * WINDOW_SECONDS)
        return 1


def listing_report_submit(*, facility: Facility, problem: str, details: str = "", address: str) -> ListingReport:
    """Stores a report unless this hour's limits are reached (ListingReportRefused).

    Nothing is e-mailed here: the hourly digest tells the operator. The address is used
    only to count, never stored with the report.
    """
    report = ListingReport(facility=facility, problem=problem, details=details.strip())
    report.full_clean()
    # Windows are numbered from the clock (not a cache expiry), so they follow time-machine
    # in tests and the same hour on every worker.
    window = int(time.time() // WINDOW_SECONDS)
    if _count(_address_key(address, window)) > settings.LISTING_REPORTS_PER_ADDRESS:
        raise ListingReportRefused("address")
    # Counted only for addresses within their own limit: one busy address cannot use up
    # everyone's allowance.
    if _count(f"{_PREFIX}:all:{window}") > settings.LISTING_REPORTS_PER_HOUR:
        raise ListingReportRefused("everyone")
    with transaction.atomic():
        report.save()
    return report


def _digest_text(reports: list[ListingReport], *, total: int, start: datetime, end: datetime) -> str:
    lines = [
        f"{total} listing report(s) between {start:%Y-%m-%d %H:%M} and {end:%H:%M} UTC.",
        f"Open them in the admin: {reverse('admin:directory_listingreport_changelist')}",
        f"Reports not yet marked handled, in all: {ListingReport.objects.filter(handled=False).count()}",
        "",
    ]
    for report in reports:
        lines.append(f"- {report.get_problem_display()}: {report.facility} (facility {report.facility_id})")
        if report.details:
            lines.append(f"  {' '.join(report.details.split())}")
    if total > len(reports):
        lines.append(f"… and {total - len(reports)} more in the admin.")
    return "\n".join(lines) + "\n"


def listing_report_digest_send(*, now: datetime) -> int:
    """E-mails the operator the reports made in the clock hour before `now`; returns how
    many it listed (0: no e-mail). Safe to call twice for the same hour: a marker in the
    cache lets only the first call send."""
    if not settings.OPERATOR_EMAIL:
        return 0
    end = now.replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(seconds=WINDOW_SECONDS)
    found = ListingReport.objects.filter(created_at__gte=start, created_at__lt=end)
    total = found.count()
    if not total:
        return 0
    marker = f"{_PREFIX}:digest:{end.isoformat()}"
    if not cache.add(marker, 1, timeout=3 * 24 * 3600):
        return 0  # another consumer sent this hour's digest
    reports = list(found.select_related("facility").order_by("created_at", "pk")[:DIGEST_MAX_LISTED])
    try:
        send_mail(
            subject=f"Waypoint: {total} listing report(s), {start:%Y-%m-%d %H:%M} UTC",
            message=_digest_text(reports, total=total, start=start, end=end),
            from_email=None,
            recipient_list=[settings.OPERATOR_EMAIL],
        )
    except Exception:
        cache.delete(marker)  # let a retry send it
        raise
    return total
