"""Fixtures of the recovery tests: alice's profile, and helpers to make her things."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from waypoint.core import crypto
from waypoint.recovery import selectors, services

ZONE = "America/New_York"


def make_profile(user: Any, *, days_ago: int = 30, time_zone: str = ZONE, **extra: Any) -> Any:
    today = selectors.local_now_in(time_zone).date()
    return services.profile_save(
        user=user, start_date=today - dt.timedelta(days=days_ago), time_zone=time_zone, **extra
    )


def checkin(user: Any, *, day: dt.date | None = None, **answers: Any) -> Any:
    day = day or selectors.local_today(user=user)
    row, _created = services.checkin_record(
        user=user, client_id=uuid.uuid4(), day=day, answers=services.CheckinAnswers(**answers)
    )
    return row


@pytest.fixture(autouse=True)
def _forget_keys() -> Any:
    crypto.forget_cached_keys()
    yield
    crypto.forget_cached_keys()


@pytest.fixture
def profile(alice: Any) -> Any:
    """Alice started her recovery 30 days ago, in New York."""
    return make_profile(alice)
