"""Reads of the recovery companion: the chokepoints, the person's local "today", recovery
status, and the contracts other apps build on (insights, groups, reminders; see
docs/recovery.md). Other apps import only the names documented there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from waypoint.core.access import NotAllowed
from waypoint.core.rows import Rows
from waypoint.recovery import recoverytime
from waypoint.recovery.models import (
    Appointment,
    Checkin,
    Goal,
    GoalState,
    Lapse,
    MilestoneReached,
    PlanVersion,
    RecoveryProfile,
    StrugglingMoment,
    SupportPerson,
)
from waypoint.recovery.plan import PlanContent

BARC_ID = "barc-10"
STRUGGLING_WINDOW = dt.timedelta(hours=24)

# Look-ups made on every check-in, written once (waypoint/core/rows.py: the ORM's compiler
# was most of a check-in's cost).
_PROFILE = Rows(RecoveryProfile, '"user_id" = %s', params=["user"], limit=1)
_LAPSE_COVERING = Rows(
    Lapse, '"user_id" = %s AND "date" <= %s AND "end_date" >= %s', params=["user", "date", "end_date"]
)
_CHECKIN_BY_CLIENT_OR_DAY = Rows(
    Checkin, '"user_id" = %s AND ("client_id" = %s OR "date" = %s)', params=["user", "client_id", "date"], limit=2
)


# --- Time zones and "today" ---------------------------------------------------------------


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone `name`, or the server's zone when it is empty or unknown."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def local_now_in(time_zone: str) -> datetime:
    return timezone.now().astimezone(zone(time_zone))


def profile_for(*, user: Any) -> RecoveryProfile | None:
    """The person's recovery profile, or None before they set one up."""
    if not getattr(user, "is_authenticated", False):
        return None
    profile: RecoveryProfile | None = _PROFILE.first(user.pk)
    return profile


def today_in(profile: RecoveryProfile | None) -> date:
    """The local date now for a profile (the server's zone without one): days begin at
    the person's own midnight."""
    return local_now_in(profile.time_zone if profile else settings.TIME_ZONE).date()


def local_today(*, user: Any) -> date:
    """The person's "today" in their profile's time zone."""
    return today_in(profile_for(user=user))


# --- Chokepoints: each personal row is reached only through these ------------------------


def lapse_for_owner(*, user: Any, lapse_id: int) -> Lapse:
    lapse = Lapse.objects.filter(pk=lapse_id).first()
    if lapse is None:
        raise NotAllowed()
    if lapse.user_id != user.pk:
        raise NotAllowed()
    return lapse


def checkin_for_owner(*, user: Any, checkin_id: int) -> Checkin:
    checkin = Checkin.objects.filter(pk=checkin_id).first()
    if checkin is None:
        raise NotAllowed()
    if checkin.user_id != user.pk:
        raise NotAllowed()
    return checkin


def checkin_sent_or_on_day(*, user: Any, client_id: Any, day: date) -> tuple[Checkin | None, Checkin | None]:
    """One query: the check-in sent before with this client id (a retry), and the day's."""
    rows = _CHECKIN_BY_CLIENT_OR_DAY.fetch(user.pk, client_id, day)
    by_client = next((row for row in rows if row.client_id == client_id), None)
    on_day = next((row for row in rows if row.date == day), None)
    return by_client, on_day


def goal_for_owner(*, user: Any, goal_id: int) -> Goal:
    goal = Goal.objects.filter(pk=goal_id).first()
    if goal is None:
        raise NotAllowed()
    if goal.user_id != user.pk:
        raise NotAllowed()
    return goal


def plan_version_for_owner(*, user: Any, version_id: int) -> PlanVersion:
    version = PlanVersion.objects.filter(pk=version_id).first()
    if version is None:
        raise NotAllowed()
    if version.user_id != user.pk:
        raise NotAllowed()
    return version


def support_person_for_owner(*, user: Any, person_id: int) -> SupportPerson:
    person = SupportPerson.objects.filter(pk=person_id).first()
    if person is None:
        raise NotAllowed()
    if person.user_id != user.pk:
        raise NotAllowed()
    return person


def appointment_for_owner(*, user: Any, appointment_id: int) -> Appointment:
    appointment = Appointment.objects.filter(pk=appointment_id).first()
    if appointment is None:
        raise NotAllowed()
    if appointment.user_id != user.pk:
        raise NotAllowed()
    return appointment


# --- The plan -------------------------------------------------------------------------------


def plan_latest(*, user: Any) -> PlanVersion | None:
    return PlanVersion.objects.filter(user_id=user.pk).order_by("-number").first()


def plan_current(*, user: Any) -> PlanContent:
    """The newest version's content (an empty plan before the first save)."""
    latest = plan_latest(user=user)
    return PlanContent.from_json(latest.content) if latest else PlanContent()


def plan_versions(*, user: Any) -> list[PlanVersion]:
    """Every saved version, newest first (their content is not decrypted here)."""
    return list(PlanVersion.objects.filter(user_id=user.pk).defer("content").order_by("-number"))


def trigger_names(*, user: Any, ids: set[str] | None = None) -> dict[str, str]:
    """Names of the person's triggers by id, the newest name of each. Versions are read
    newest first and only until every id asked for is found."""
    names: dict[str, str] = {}
    for version in PlanVersion.objects.filter(user_id=user.pk).order_by("-number").iterator():
        for trigger in PlanContent.from_json(version.content).triggers:
            names.setdefault(trigger.id, trigger.name)
        if ids is not None and ids <= names.keys():
            break
    return names


# --- Lapses and recovery time ---------------------------------------------------------------


def lapse_ranges(*, user: Any) -> list[tuple[date, date]]:
    return list(Lapse.objects.filter(user_id=user.pk).values_list("date", "end_date"))


def lapse_covers(*, user: Any, day: date) -> bool:
    """Whether use is recorded for `day` (one indexed look-up, for a single day's answer)."""
    return _LAPSE_COVERING.exists(user.pk, day, day)


def lapse_dates(*, user: Any) -> list[date]:
    """Every date recorded as use (from check-ins and lapses on their own), in order."""
    return recoverytime.expand(lapse_ranges(user=user))


def lapses(*, user: Any) -> list[Lapse]:
    return list(Lapse.objects.filter(user_id=user.pk).order_by("-date", "-id"))


@dataclass(frozen=True)
class Milestone:
    days: int
    reached_on: date


@dataclass(frozen=True)
class RecoveryStatus:
    time: recoverytime.RecoveryTime
    # Every date recorded as use up to today, in order.
    lapse_days: tuple[date, ...]
    # Reached milestones: the stored ones, with any the facts reach that are not stored yet.
    milestones: tuple[Milestone, ...]
    # Reached by the facts but not stored yet (services.recovery_refresh stores them).
    unrecorded: tuple[Milestone, ...]
    next_milestone: int

    @property
    def days_to_next(self) -> int:
        return max(0, self.next_milestone - self.time.days_in_recovery)

    def recent_milestone(self, *, within_days: int = 7) -> Milestone | None:
        """The newest milestone reached in the last week, to celebrate on the today page."""
        recent = [m for m in self.milestones if (self.time.today - m.reached_on).days < within_days]
        return max(recent, key=lambda m: m.days) if recent else None


def recovery_status(*, user: Any, profile: RecoveryProfile, today: date | None = None) -> RecoveryStatus:
    """Recovery time computed from the facts, and the milestones (two queries)."""
    today = today or today_in(profile)
    days = recoverytime.expand(lapse_ranges(user=user), until=today)
    time = recoverytime.recovery_time(start_date=profile.start_date, today=today, lapse_days=days)
    stored = {
        row.days: row.reached_on for row in MilestoneReached.objects.filter(user_id=user.pk).only("days", "reached_on")
    }
    reached = recoverytime.milestones_reached(start_date=profile.start_date, today=today, lapse_days=days)
    unrecorded = {d: when for d, when in reached.items() if d not in stored}
    every = {**unrecorded, **stored}
    return RecoveryStatus(
        time=time,
        lapse_days=tuple(days),
        milestones=tuple(Milestone(days=d, reached_on=every[d]) for d in sorted(every)),
        unrecorded=tuple(Milestone(days=d, reached_on=unrecorded[d]) for d in sorted(unrecorded)),
        next_milestone=recoverytime.next_milestone(days_in_recovery=time.days_in_recovery, reached=every),
    )


# --- Check-ins --------------------------------------------------------------------------------


def checkin_on(*, user: Any, day: date) -> Checkin | None:
    return Checkin.objects.filter(user_id=user.pk, date=day).first()


def checked_in_on(*, user: Any, date: date) -> bool:
    """Whether the person checked in for that local date."""
    return Checkin.objects.filter(user_id=user.pk, date=date).exists()


def checkins_between(*, user: Any, start: date | None = None, end: date | None = None) -> list[Checkin]:
    """Check-ins from `start` to `end` (both included), newest first (notes stay encrypted until read)."""
    rows = Checkin.objects.filter(user_id=user.pk)
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    return list(rows.order_by("-date"))


@dataclass(frozen=True)
class CheckinFacts:
    date: date  # the person's local date of the check-in
    mood: int | None  # 1–5
    craving: int | None  # 0–10
    used: bool  # a lapse was recorded for that date (from the check-in or on its own)
    sleep_hours: float | None
    medication_taken: bool | None  # None when the person has no medication
    meeting: bool | None  # went to a support meeting
    therapy: bool | None  # counselling/therapy session
    stress: int | None  # 0–10, optional
    pain: int | None  # 0–10, optional
    triggers: tuple[str, ...]  # names of the plan triggers met that day (the person's own words)
    recorded_at: datetime | None  # UTC time the check-in was first saved (time of day)


_FACT_FIELDS = (
    "date",
    "mood",
    "craving",
    "sleep_hours",
    "medication_taken",
    "meeting",
    "therapy",
    "stress",
    "pain",
    "trigger_ids",
    "created_at",
)


def checkin_facts(*, user: Any, start: date | None = None, end: date | None = None) -> list[CheckinFacts]:
    """The person's check-ins as plain facts, oldest first, for insights. Days without a
    check-in are absent. Notes are never read here."""
    rows = Checkin.objects.filter(user_id=user.pk)
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    values = list(rows.order_by("date").values(*_FACT_FIELDS))
    used = set(lapse_dates(user=user))
    wanted = {str(i) for row in values for i in row["trigger_ids"] or ()}
    names = trigger_names(user=user, ids=wanted) if wanted else {}
    return [
        CheckinFacts(
            date=row["date"],
            mood=row["mood"],
            craving=row["craving"],
            used=row["date"] in used,
            sleep_hours=float(row["sleep_hours"]) if row["sleep_hours"] is not None else None,
            medication_taken=row["medication_taken"],
            meeting=row["meeting"],
            therapy=row["therapy"],
            stress=row["stress"],
            pain=row["pain"],
            triggers=tuple(names[i] for i in row["trigger_ids"] or () if i in names),
            recorded_at=row["created_at"],
        )
        for row in values
    ]


def facts_changed_at(*, user: Any) -> datetime | None:
    """When the person's check-ins or lapses last changed (an added or edited row; a
    deletion is not seen here) — for insights, to know its stored results are stale
    without reading every check-in."""
    checkins = Checkin.objects.filter(user_id=user.pk).aggregate(last=Max("updated_at"))["last"]
    lapses = Lapse.objects.filter(user_id=user.pk).aggregate(last=Max("updated_at"))["last"]
    return max((stamp for stamp in (checkins, lapses) if stamp is not None), default=None)


# --- The accountability board (groups) -------------------------------------------------------


@dataclass(frozen=True)
class BoardFacts:
    checked_in_today: bool
    last_checkin: date | None
    days_in_recovery: int | None  # None when the person has no recovery profile
    mood_today: int | None
    struggling_since: datetime | None  # last "I'm struggling" press within the past 24 hours (UTC)


def board_facts(*, user_ids: Sequence[int]) -> dict[int, BoardFacts]:
    """What the board may show for each person, in two queries for any number of people:
    one over the people (profile, last check-in, last struggling moment as subqueries),
    one for their lapses. Groups decide what each member shares."""
    ids = list(dict.fromkeys(int(i) for i in user_ids))
    if not ids:
        return {}
    profile = RecoveryProfile.objects.filter(user_id=OuterRef("pk"))
    last_checkin = Checkin.objects.filter(user_id=OuterRef("pk")).order_by("-date")
    last_struggle = StrugglingMoment.objects.filter(user_id=OuterRef("pk")).order_by("-created_at")
    people = (
        get_user_model()
        .objects.filter(pk__in=ids)
        .annotate(
            wp_start=Subquery(profile.values("start_date")[:1]),
            wp_zone=Subquery(profile.values("time_zone")[:1]),
            wp_last_date=Subquery(last_checkin.values("date")[:1]),
            wp_last_mood=Subquery(last_checkin.values("mood")[:1]),
            wp_struggle=Subquery(last_struggle.values("created_at")[:1]),
        )
        .values("pk", "wp_start", "wp_zone", "wp_last_date", "wp_last_mood", "wp_struggle")
    )
    rows = list(people)
    ranges: dict[int, list[tuple[date, date]]] = {}
    with_profile = [row["pk"] for row in rows if row["wp_start"] is not None]
    if with_profile:
        for user_id, first, last in Lapse.objects.filter(user_id__in=with_profile).values_list(
            "user_id", "date", "end_date"
        ):
            ranges.setdefault(user_id, []).append((first, last))
    now = timezone.now()
    facts: dict[int, BoardFacts] = {}
    for row in rows:
        today = local_now_in(row["wp_zone"] or settings.TIME_ZONE).date()
        days = None
        if row["wp_start"] is not None:
            lapse_days = recoverytime.expand(ranges.get(row["pk"], []), until=today)
            days = recoverytime.recovery_time(
                start_date=row["wp_start"], today=today, lapse_days=lapse_days
            ).days_in_recovery
        checked_today = row["wp_last_date"] == today
        struggle = row["wp_struggle"]
        facts[row["pk"]] = BoardFacts(
            checked_in_today=checked_today,
            last_checkin=row["wp_last_date"],
            days_in_recovery=days,
            mood_today=row["wp_last_mood"] if checked_today else None,
            struggling_since=struggle if struggle is not None and now - struggle <= STRUGGLING_WINDOW else None,
        )
    return facts


# --- Reminders' selectors -----------------------------------------------------------------


def appointments_between(*, user: Any, start: datetime, end: datetime) -> list[Appointment]:
    """Appointments starting at or after `start` and before `end` (aware datetimes)."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("appointments_between takes aware datetimes (UTC).")
    return list(Appointment.objects.filter(user_id=user.pk, starts_at__gte=start, starts_at__lt=end))


def appointments_on(*, user: Any, profile: RecoveryProfile, day: date) -> list[Appointment]:
    """Appointments on a local date of the person."""
    tz = zone(profile.time_zone)
    start = datetime.combine(day, dt.time(), tzinfo=tz)
    end = datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return appointments_between(user=user, start=start, end=end)


def appointments_upcoming(*, user: Any, limit: int = 50) -> list[Appointment]:
    start = timezone.now() - dt.timedelta(hours=12)
    return list(Appointment.objects.filter(user_id=user.pk, starts_at__gte=start)[:limit])


def goals_due_between(*, user: Any, start: date, end: date) -> list[Goal]:
    """Goals still being worked on that are due from `start` to `end` (both included)."""
    return list(
        Goal.objects.filter(user_id=user.pk, state=GoalState.ACTIVE, due_date__gte=start, due_date__lte=end).order_by(
            "due_date", "id"
        )
    )


def goals(*, user: Any) -> list[Goal]:
    return list(Goal.objects.filter(user_id=user.pk).prefetch_related("steps").order_by("state", "due_date", "id"))


def support_people(*, user: Any) -> list[SupportPerson]:
    return list(SupportPerson.objects.filter(user_id=user.pk).order_by("position", "id"))


# --- Recovery capital (BARC-10, stored by the screening app) ----------------------------


def _local_date(moment: datetime, profile: RecoveryProfile) -> date:
    return moment.astimezone(zone(profile.time_zone)).date()


def add_month(day: date) -> date:
    """The same day next month (the month's last day when it has fewer days)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def barc_results(*, user: Any, limit: int = 24) -> list[Any]:
    """The person's saved BARC-10 results, oldest first (through the screening app)."""
    from waypoint.screening.selectors import results_for_user

    return results_for_user(user=user, instrument_id=BARC_ID, limit=limit)


def barc_due_on(*, user: Any) -> date | None:
    """When the next BARC-10 is due: a month after the last one, or at once after a lapse
    recorded since then (the profile's first day when there is none yet). None without a
    recovery profile."""
    profile = profile_for(user=user)
    if profile is None:
        return None
    latest = barc_results(user=user, limit=1)
    if not latest:
        return _local_date(profile.created_at, profile)
    last = latest[-1].created_at
    due = add_month(_local_date(last, profile))
    lapse = Lapse.objects.filter(user_id=user.pk, created_at__gt=last).order_by("created_at").first()
    if lapse is not None:
        due = min(due, _local_date(lapse.created_at, profile))
    return due


def struggling_moments(*, user: Any, limit: int = 20) -> list[StrugglingMoment]:
    return list(StrugglingMoment.objects.filter(user_id=user.pk)[:limit])
