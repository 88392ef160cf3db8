"""Fixtures of the insights tests: check-in histories made to order, either behind a fake
of the recovery contract (fast, exact) or stored through the real recovery app."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from waypoint.core import crypto
from waypoint.insights import sources
from waypoint.insights.facts import Checkin

TODAY = dt.date(2025, 6, 18)  # a Wednesday


def history(
    days: int,
    *,
    end: dt.date = TODAY,
    craving: Callable[[dt.date, int], int | None] = lambda d, i: 3,
    **fields: Callable[[dt.date, int], Any],
) -> list[Checkin]:
    """`days` daily check-ins ending on `end`; each field is a function of (date, index)."""
    rows = []
    for index in range(days):
        day = end - dt.timedelta(days=days - 1 - index)
        values = {name: fn(day, index) for name, fn in fields.items()}
        rows.append(Checkin(date=day, craving=craving(day, index), **values))
    return rows


class FakeRecovery:
    """The recovery contract (``checkin_facts``, ``local_today``...) over rows held in
    memory, per person; records who was asked for."""

    def __init__(self) -> None:
        self.rows: dict[int, list[Checkin]] = {}
        self.today = TODAY
        self.asked: list[int] = []
        self.days_in_recovery: dict[int, int] = {}
        self.changed: dict[int, dt.datetime] = {}

    def set(self, user: Any, rows: list[Checkin]) -> None:
        self.rows[user.pk] = sorted(rows, key=lambda r: r.date)
        self.changed[user.pk] = timezone.now()

    def facts_changed_at(self, *, user: Any) -> dt.datetime | None:
        return self.changed.get(user.pk)

    def checkin_facts(self, *, user: Any, start: dt.date | None = None, end: dt.date | None = None) -> list[Checkin]:
        self.asked.append(user.pk)
        return [
            r
            for r in self.rows.get(user.pk, [])
            if (start is None or r.date >= start) and (end is None or r.date <= end)
        ]

    def local_today(self, *, user: Any) -> dt.date:
        return self.today


@pytest.fixture
def fake_recovery(monkeypatch: pytest.MonkeyPatch) -> FakeRecovery:
    fake = FakeRecovery()
    monkeypatch.setattr(sources, "checkin_facts", fake.checkin_facts)
    monkeypatch.setattr(sources, "local_today", fake.local_today)
    monkeypatch.setattr(sources, "facts_changed_at", fake.facts_changed_at)
    monkeypatch.setattr(sources, "time_zone", lambda *, user: None)
    monkeypatch.setattr(sources, "days_in_recovery", lambda *, user: fake.days_in_recovery.get(user.pk))
    return fake


@pytest.fixture(autouse=True)
def _forget_keys() -> Iterator[None]:
    crypto.forget_cached_keys()
    yield
    crypto.forget_cached_keys()


def store_in_recovery(user: Any, rows: list[Checkin]) -> None:
    """Stores `rows` as the person's check-ins (and lapses) in the real recovery app.
    Bulk rows, because its service only writes today and yesterday, as a person would."""
    from waypoint.recovery import selectors
    from waypoint.recovery import services as recovery_services
    from waypoint.recovery.models import Checkin as RecoveryCheckin
    from waypoint.recovery.models import Lapse

    zone = "America/New_York"
    today = selectors.local_now_in(zone).date()
    recovery_services.profile_save(user=user, start_date=min(r.date for r in rows), time_zone=zone)
    assert max(r.date for r in rows) <= today
    RecoveryCheckin.objects.bulk_create(
        [
            RecoveryCheckin(
                user=user,
                client_id=uuid.uuid4(),
                date=r.date,
                mood=r.mood,
                craving=r.craving,
                used=r.used,
                sleep_hours=r.sleep_hours,
                medication_taken=r.medication_taken,
                meeting=r.meeting,
                therapy=r.therapy,
                stress=r.stress,
                pain=r.pain,
            )
            for r in rows
        ]
    )
    Lapse.objects.bulk_create([Lapse(user=user, date=r.date, end_date=r.date) for r in rows if r.used])
