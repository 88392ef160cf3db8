"""The accountability board: what each member chose to show the group of their day.

Facts come from the recovery app's one contract, ``board_facts(user_ids=...)`` (one or two
queries for the whole group), asked only about members who share something. Members who
share nothing appear with nothing; the facilitator's "not checked in lately" list covers
only members who share their check-ins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from waypoint.groups import selectors
from waypoint.groups.models import Membership


def _board_facts(user_ids: list[int]) -> dict[int, Any] | None:
    """recovery's answers, or None when the recovery app is not installed."""
    try:
        from waypoint.recovery.selectors import board_facts
    except ImportError:
        return None
    return board_facts(user_ids=user_ids) if user_ids else {}


@dataclass(frozen=True)
class BoardRow:
    member: Membership
    shares_anything: bool
    # None: not shared (or nothing known).
    checked_in_today: bool | None
    days_in_recovery: int | None
    mood_today: int | None
    struggling_since: Any
    last_checkin: date | None


@dataclass(frozen=True)
class Board:
    rows: list[BoardRow]
    available: bool  # the recovery app answers
    quiet: list[BoardRow]  # for the facilitator: sharing check-ins, none for N days
    quiet_days: int


def _shares(member: Membership) -> bool:
    return member.share_checkin or member.share_days or member.share_mood or member.share_struggling


def group_board(*, membership: Membership) -> Board:
    members = selectors.active_members(group_id=membership.group_id)
    sharing = [m.user_id for m in members if _shares(m)]
    facts = _board_facts(sharing)
    available = facts is not None
    facts = facts or {}
    rows = []
    for member in members:
        fact = facts.get(member.user_id)
        rows.append(
            BoardRow(
                member=member,
                shares_anything=_shares(member),
                checked_in_today=fact.checked_in_today if fact and member.share_checkin else None,
                days_in_recovery=fact.days_in_recovery if fact and member.share_days else None,
                mood_today=fact.mood_today if fact and member.share_mood else None,
                struggling_since=fact.struggling_since if fact and member.share_struggling else None,
                last_checkin=fact.last_checkin if fact and member.share_checkin else None,
            )
        )
    quiet_days = settings.GROUPS_BOARD_QUIET_DAYS
    quiet: list[BoardRow] = []
    if membership.is_facilitator and available:
        # The person's own last check-in date is in their zone; today's date in UTC is
        # within a day of it, which is close enough to ask "how are you doing?".
        cutoff = timezone.now().date() - timedelta(days=quiet_days)
        quiet = [
            row
            for row in rows
            if row.member.share_checkin
            and not row.checked_in_today
            and (row.last_checkin is None or row.last_checkin <= cutoff)
        ]
    return Board(rows=rows, available=available, quiet=quiet, quiet_days=quiet_days)
