"""Withdrawal, expiry and closing erase the content (read from the raw table: NULL columns,
the data key gone) and keep only a content-free record: facility, when, status, why closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client

from waypoint.availability.tests.helpers import make_member
from waypoint.core.models import DataKey
from waypoint.core.tests.personas import client_for
from waypoint.handoff import services
from waypoint.handoff.models import HandoffRequest
from waypoint.handoff.tasks import handoff_expire
from waypoint.handoff.tests.helpers import send

pytestmark = pytest.mark.django_db
CONTENT = "first_name, phone, call_times, call_language, voicemail, summary, data_key_id"


def _raw(handoff_id: int) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {CONTENT}, facility_id, requester_id, status, closed_reason, created_at, erased_at "  # noqa: S608 - fixed column list
            "FROM handoff_handoffrequest WHERE id = %s",
            [handoff_id],
        )
        columns = [c[0] for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def _assert_erased(handoff: HandoffRequest, key_id: int, reason: str) -> None:
    raw = _raw(handoff.pk)
    assert [raw[c.strip()] for c in CONTENT.split(",")] == [None] * 7
    assert not DataKey.objects.filter(pk=key_id).exists()
    assert raw["requester_id"] is None  # no longer tied to anyone's account
    # What stays: that a request existed, for which facility, when, and how it ended.
    assert raw["facility_id"] == handoff.facility_id
    assert raw["created_at"] is not None
    assert raw["erased_at"] is not None
    assert (raw["status"], raw["closed_reason"]) == ("closed", reason)


@pytest.fixture
def handoff() -> HandoffRequest:
    staff = make_member()
    row, _token = send(staff.facility)
    assert str(_raw(row.pk)["phone"]).startswith("wp1:")
    return row


def test_withdrawing_by_the_private_link_erases_the_content(handoff):
    _row, token = send(handoff.facility, address="198.51.100.8")
    row = HandoffRequest.objects.get(token_hash=_row.token_hash)
    key_id = row.data_key_id
    client = Client()
    response = client.post(f"/en/callback/s/{token}/take-back/", {"confirm": "yes"})
    assert response.status_code == 302
    _assert_erased(row, key_id, "withdrawn")
    html = client.get(f"/en/callback/s/{token}/").content.decode()
    assert "You took this request back. What you sent is erased." in html
    assert 'data-testid="withdraw"' not in html


def test_a_post_without_the_confirmation_changes_nothing(handoff):
    _row, token = send(handoff.facility, address="198.51.100.8")
    Client().post(f"/en/callback/s/{token}/take-back/", {})
    assert HandoffRequest.objects.get(pk=_row.pk).erased_at is None


def test_withdrawing_from_the_account_erases_the_content(alice):
    staff = make_member()
    row, _token = send(staff.facility, requester=alice)
    key_id = row.data_key_id
    client_for(alice).post(f"/en/callback/mine/{row.pk}/take-back/", {"confirm": "yes"})
    _assert_erased(row, key_id, "withdrawn")


def test_expiry_erases_the_content_by_the_periodic_task_once(handoff):
    key_id = handoff.data_key_id
    with time_machine.travel(handoff.expires_at - dt.timedelta(minutes=1), tick=False):
        assert handoff_expire.call_local() == 0
    assert HandoffRequest.objects.get(pk=handoff.pk).erased_at is None
    with time_machine.travel(handoff.expires_at + dt.timedelta(minutes=1), tick=False):
        assert handoff_expire.call_local() == 1
        assert handoff_expire.call_local() == 0  # exactly once
    _assert_erased(handoff, key_id, "expired")


def test_the_default_expiry_is_seven_days(handoff):
    assert handoff.expires_at - handoff.created_at == dt.timedelta(days=7)


def test_closing_by_the_staff_erases_the_content():
    staff = make_member()
    row, _token = send(staff.facility)
    key_id = row.data_key_id
    services.handoff_mark(staff=staff, handoff=row, status="closed")
    _assert_erased(row, key_id, "done")


def test_a_place_that_leaves_the_directory_has_its_requests_erased(handoff):
    key_id = handoff.data_key_id
    facility = handoff.facility
    facility.delete()
    assert handoff_expire.call_local() == 1
    raw = _raw(handoff.pk)
    assert raw["phone"] is None
    assert raw["closed_reason"] == "facility-gone"
    assert not DataKey.objects.filter(pk=key_id).exists()


def test_withdrawal_racing_expiry_erases_once(handoff):
    assert services.handoff_withdraw(handoff=handoff) is True
    assert services.handoff_erase(handoff_id=handoff.pk, reason="expired") is False
    assert HandoffRequest.objects.get(pk=handoff.pk).closed_reason == "withdrawn"
