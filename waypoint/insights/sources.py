"""Where the insights app gets a person's data: the one module that talks to other apps.

Only the contracts other apps publish are used (docs/recovery.md "For other apps", docs/insights.md):
the recovery app's ``checkin_facts``, ``lapse_dates``, ``facts_changed_at``, ``local_today``, ``profile_for``
(time zone) and ``board_facts`` (days in recovery); the reminders app's ``notify_send``;
the journal's ``journal_moods`` (moods only, and only with the person's consent there).
The reminders and journal apps are optional: without them nothing is sent or read. Every function takes one person and
returns that person's data only.
"""

from __future__ import annotations

import datetime
import importlib
import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from waypoint.insights.facts import CheckinLike

logger = logging.getLogger(__name__)


def checkin_facts(
    *, user: Any, start: datetime.date | None = None, end: datetime.date | None = None
) -> list[CheckinLike]:
    """The person's check-ins, oldest first (days without one are absent)."""
    from waypoint.recovery.selectors import checkin_facts as recovery_facts

    return list(recovery_facts(user=user, start=start, end=end))


def lapse_dates(*, user: Any) -> list[datetime.date]:
    from waypoint.recovery.selectors import lapse_dates as recovery_lapses

    return list(recovery_lapses(user=user))


def facts_changed_at(*, user: Any) -> datetime.datetime | None:
    from waypoint.recovery.selectors import facts_changed_at as recovery_changed_at

    return recovery_changed_at(user=user)


def local_today(*, user: Any) -> datetime.date:
    from waypoint.recovery.selectors import local_today as recovery_today

    return recovery_today(user=user)


def time_zone(*, user: Any) -> ZoneInfo | None:
    """The person's time zone (to read the time of day of their check-ins), if they set one."""
    from waypoint.recovery.selectors import profile_for

    profile = profile_for(user=user)
    name = getattr(profile, "time_zone", "") if profile is not None else ""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def days_in_recovery(*, user: Any) -> int | None:
    from waypoint.recovery.selectors import board_facts

    facts = board_facts(user_ids=[user.pk]).get(user.pk)
    return facts.days_in_recovery if facts is not None else None


def struggling_url() -> str | None:
    """The recovery app's "I'm struggling" page (their plan for hard moments, their people,
    and the groups app's "tell my group")."""
    try:
        return reverse("recovery:struggling")
    except NoReverseMatch:
        return None


def journal_sharing_url() -> str | None:
    """The journal's page where the person chooses whether insights may use its moods."""
    if not apps.is_installed("waypoint.journal"):
        return None
    try:
        return reverse("journal:sharing")
    except NoReverseMatch:
        return None


def journal_moods(*, user: Any, start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
    """Mood (1–5) the person gave in their journal, by date, from `start` to `end` — the
    journal app answers only if the person chose there to share journal moods with
    insights (``waypoint.journal.selectors.journal_moods``); without the journal app,
    nothing."""
    if not apps.is_installed("waypoint.journal"):
        return {}
    try:
        module = importlib.import_module("waypoint.journal.selectors")
    except ImportError:
        return {}
    reader = getattr(module, "journal_moods", None)
    if reader is None:
        return {}
    return dict(reader(user=user, start=start, end=end))


def notify(*, user: Any, kind: str, discreet_text: str, plain_text: str, url: str) -> bool:
    """Sends through the reminders app's ``notify_send`` (its channels, the person's
    choice of discreet wording; it stores the notice in the caller's transaction and
    sends after commit). The one place insights notifies; without the reminders app,
    nothing is sent and False is returned."""
    try:
        module = importlib.import_module("waypoint.reminders.services")
    except ImportError:
        logger.info("insights: reminders app not installed; weekly summary not sent")
        return False
    sender = getattr(module, "notify_send", None)
    if sender is None:
        logger.info("insights: reminders has no notify_send yet; weekly summary not sent")
        return False
    sender(user=user, kind=kind, discreet_text=discreet_text, plain_text=plain_text, url=url)
    return True
