"""Listing reports: throttled per address and for everyone, and mailed to the operator as
one digest an hour (issue 15, item 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from waypoint.directory.models import ListingReport
from waypoint.directory.reports import listing_report_digest_send
from waypoint.directory.tasks import listing_report_digest

from .factories import FacilityFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 24, 14, 10, tzinfo=UTC)


def _report(client: Client, facility_id: int, address: str = "203.0.113.7", details: str = "") -> Any:
    return client.post(
        f"/en/treatment/{facility_id}/report/",
        {"problem": "phone", "details": details},
        REMOTE_ADDR=address,
    )


@time_machine.travel(T0, tick=False)
def test_one_address_is_limited_per_hour(client: Client, settings: Any) -> None:
    settings.LISTING_REPORTS_PER_ADDRESS = 3
    facility = FacilityFactory()
    assert [_report(client, facility.pk).status_code for _ in range(3)] == [302, 302, 302]
    refused = _report(client, facility.pk, details="fourth")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert 'data-testid="report-refused"' in refused.content.decode()
    assert "fourth" in refused.content.decode()  # what they wrote is still in the form
    assert ListingReport.objects.count() == 3
    # Another address is not affected, and the next hour the first may report again.
    assert _report(client, facility.pk, address="198.51.100.2").status_code == 302
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        assert _report(client, facility.pk).status_code == 302
    assert ListingReport.objects.count() == 5


@time_machine.travel(T0, tick=False)
def test_everyone_together_is_limited_per_hour(client: Client, settings: Any) -> None:
    settings.LISTING_REPORTS_PER_HOUR = 4
    facility = FacilityFactory()
    codes = [_report(client, facility.pk, address=f"192.0.2.{n}").status_code for n in range(6)]
    assert codes == [302, 302, 302, 302, 429, 429]
    assert ListingReport.objects.count() == 4


@time_machine.travel(T0, tick=False)
def test_an_address_over_its_own_limit_does_not_use_up_everyones(client: Client, settings: Any) -> None:
    settings.LISTING_REPORTS_PER_ADDRESS = 2
    settings.LISTING_REPORTS_PER_HOUR = 3
    facility = FacilityFactory()
    for _ in range(10):
        _report(client, facility.pk)
    assert _report(client, facility.pk, address="198.51.100.9").status_code == 302


def test_the_digest_lists_the_last_hours_reports_in_one_email_once(client: Client, settings: Any) -> None:
    settings.OPERATOR_EMAIL = "operator@example.org"
    facility = FacilityFactory(name="Blue Ridge Clinic")
    with time_machine.travel(datetime(2026, 11, 24, 12, 59, tzinfo=UTC), tick=False):
        _report(client, facility.pk, address="192.0.2.1", details="too early")  # the hour before
    with time_machine.travel(datetime(2026, 11, 24, 13, 0, tzinfo=UTC), tick=False):
        _report(client, facility.pk, address="192.0.2.2", details="Number   disconnected")
    with time_machine.travel(datetime(2026, 11, 24, 13, 59, tzinfo=UTC), tick=False):
        _report(client, facility.pk, address="192.0.2.3")
    assert mail.outbox == []  # nothing per report
    with time_machine.travel(datetime(2026, 11, 24, 14, 5, tzinfo=UTC), tick=False):
        listing_report_digest()  # the periodic task (run eagerly in tests)
        listing_report_digest()  # a second consumer, or a retry: no second e-mail
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["operator@example.org"]
    assert "2 listing report(s)" in message.subject
    assert message.body.count("Blue Ridge Clinic") == 2
    assert "Number disconnected" in message.body
    assert "too early" not in message.body
    assert "/admin/directory/listingreport/" in message.body


def test_no_digest_without_reports_or_without_an_operator_address(client: Client, settings: Any) -> None:
    settings.OPERATOR_EMAIL = "operator@example.org"
    now = datetime(2026, 11, 24, 14, 5, tzinfo=UTC)
    assert listing_report_digest_send(now=now) == 0
    settings.OPERATOR_EMAIL = ""
    with time_machine.travel(now - timedelta(minutes=30), tick=False):
        _report(client, FacilityFactory().pk)
    assert listing_report_digest_send(now=now) == 0
    assert mail.outbox == []


def test_the_digest_runs_every_hour_a_little_after_the_hour() -> None:
    runs_at = listing_report_digest.task_class().validate_datetime
    assert runs_at(datetime(2026, 11, 24, 14, 5))
    assert runs_at(datetime(2026, 11, 24, 3, 5))
    assert not runs_at(datetime(2026, 11, 24, 14, 0))
