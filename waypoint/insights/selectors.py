"""Reads of the insights app: the weekly summary of one person's own check-ins, and their choices."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from waypoint.insights import sources
from waypoint.insights.facts import CheckinLike
from waypoint.insights.models import InsightPreference

MAX_WEEKS_BACK = 52
TREND_DAYS = 28


@dataclass(frozen=True)
class DayRow:
    date: datetime.date
    checked_in: bool
    mood: int | None
    craving: int | None
    meeting: bool | None
    therapy: bool | None


@dataclass(frozen=True)
class WeekSummary:
    start: datetime.date  # Monday
    end: datetime.date  # Sunday
    today: datetime.date
    weeks_ago: int
    days: list[DayRow]  # the week's days up to today
    checkins: int
    days_in_recovery: int | None
    craving: float | None
    craving_before: float | None  # the week before, for the trend
    mood: float | None
    mood_before: float | None
    meetings: int
    therapy: int
    trend: list[DayRow]  # the 28 days up to the week's end (or today), for the charts

    @property
    def days_so_far(self) -> int:
        return len(self.days)


def _mean(values: list[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 1) if known else None


def _rows(facts: dict[datetime.date, CheckinLike], start: datetime.date, end: datetime.date) -> list[DayRow]:
    out = []
    day = start
    while day <= end:
        fact = facts.get(day)
        out.append(
            DayRow(
                date=day,
                checked_in=fact is not None,
                mood=fact.mood if fact else None,
                craving=fact.craving if fact else None,
                meeting=fact.meeting if fact else None,
                therapy=fact.therapy if fact else None,
            )
        )
        day += datetime.timedelta(days=1)
    return out


def week_summary(*, user: Any, weeks_ago: int = 0) -> WeekSummary:
    """One week (Monday to Sunday, `weeks_ago` weeks before this one) of the person's own
    check-ins, with the week before for comparison and four weeks of trend."""
    weeks_ago = max(0, min(MAX_WEEKS_BACK, weeks_ago))
    today = sources.local_today(user=user)
    start = today - datetime.timedelta(days=today.weekday()) - datetime.timedelta(weeks=weeks_ago)
    end = start + datetime.timedelta(days=6)
    last = min(end, today)
    trend_start = last - datetime.timedelta(days=TREND_DAYS - 1)
    first = min(trend_start, start - datetime.timedelta(days=7))
    facts = {row.date: row for row in sources.checkin_facts(user=user, start=first, end=last)}
    days = _rows(facts, start, last)
    before = _rows(facts, start - datetime.timedelta(days=7), start - datetime.timedelta(days=1))
    return WeekSummary(
        start=start,
        end=end,
        today=today,
        weeks_ago=weeks_ago,
        days=days,
        checkins=sum(d.checked_in for d in days),
        days_in_recovery=sources.days_in_recovery(user=user),
        craving=_mean([d.craving for d in days]),
        craving_before=_mean([d.craving for d in before]),
        mood=_mean([d.mood for d in days]),
        mood_before=_mean([d.mood for d in before]),
        meetings=sum(1 for d in days if d.meeting),
        therapy=sum(1 for d in days if d.therapy),
        trend=_rows(facts, trend_start, last),
    )


def preference_for(*, user: Any) -> InsightPreference | None:
    """The person's own choices (None until they change one)."""
    return InsightPreference.objects.filter(user_id=user.pk).first()
