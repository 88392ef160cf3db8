"""Writes of the recovery companion. Keyword-only, validated, one transaction each.

Recovery time is never written: recording or deleting a lapse, or changing the start
date, changes the facts it is computed from. The one derived thing stored is a reached
milestone (see :func:`recovery_refresh`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from waypoint.core.rows import Insert
from waypoint.recovery import recoverytime, selectors
from waypoint.recovery.models import (
    Appointment,
    Checkin,
    Goal,
    GoalState,
    GoalStep,
    Lapse,
    MedicationKind,
    MilestoneReached,
    PlanVersion,
    RecoveryProfile,
    StrugglingMoment,
    Substance,
    SupportPerson,
    SupportRole,
)
from waypoint.recovery.plan import STEP_KEYS, PlanContent, PlanPerson

EARLIEST = date(1950, 1, 1)
MAX_LAPSE_DAYS = 366
MAX_DOSES = 6
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _text_or_none(value: str | None, *, limit: int = 2000) -> str | None:
    text = (value or "").strip()
    return text[:limit] if text else None


# --- Profile ------------------------------------------------------------------------------


def _check_zone(time_zone: str) -> str:
    if time_zone not in selectors.time_zone_names():
        raise _error("time_zone", _("Choose a time zone from the list (for example America/New_York)."))
    return time_zone


def _check_dose_times(dose_times: Iterable[str]) -> list[str]:
    times = sorted({str(t).strip() for t in dose_times if str(t).strip()})
    if len(times) > MAX_DOSES:
        raise _error("dose_times", _("Up to %(count)s dose times.") % {"count": MAX_DOSES})
    for value in times:
        if not _HHMM.match(value):
            raise _error("dose_times", _("Write each time as HH:MM, for example 08:00."))
    return times


@transaction.atomic
def profile_save(
    *,
    user: Any,
    start_date: date,
    time_zone: str,
    substances: Iterable[str] | None = None,
    medication_kind: str | None = None,
    medication_program: str | None = None,
    dose_times: Iterable[str] | None = None,
    taper_end_date: date | None = None,
    treatment_program: str | None = None,
    keep_unset: bool = True,
) -> RecoveryProfile:
    """Creates or updates the profile. With ``keep_unset`` (the default), arguments left
    as None keep what is stored; the start date and time zone are always required.

    Changing the start date is a correction of the facts: milestones that the new start
    date no longer reaches are removed (those it still reaches keep their first date).
    A lapse never removes a milestone."""
    _check_zone(time_zone)
    today = selectors.local_now_in(time_zone).date()
    if start_date > today:
        raise _error("start_date", _("Choose today or a day before it."))
    if start_date < EARLIEST:
        raise _error("start_date", _("Choose a later date."))
    profile = RecoveryProfile.objects.select_for_update().filter(user_id=user.pk).first()
    created = profile is None
    if profile is None:
        profile = RecoveryProfile(user=user)
    old_start = None if created else profile.start_date
    profile.start_date = start_date
    profile.time_zone = time_zone

    def keep(value: Any) -> bool:
        return value is None and keep_unset and not created

    if not keep(substances):
        chosen = list(dict.fromkeys(str(s) for s in substances or ()))
        if any(s not in Substance.values for s in chosen):
            raise _error("substances", _("Choose from the list."))
        profile.substances = chosen
    if not keep(medication_kind):
        kind = medication_kind or MedicationKind.NONE
        if kind not in MedicationKind.values:
            raise _error("medication_kind", _("Choose from the list."))
        profile.medication_kind = kind
    if not keep(medication_program):
        profile.medication_program = _text_or_none(medication_program, limit=200)
    if not keep(dose_times):
        profile.dose_times = _check_dose_times(dose_times or ())
    if not (taper_end_date is None and keep_unset and not created):
        profile.taper_end_date = taper_end_date
    if not keep(treatment_program):
        profile.treatment_program = _text_or_none(treatment_program, limit=200)
    if profile.medication_kind == MedicationKind.NONE:
        profile.dose_times = []
        profile.taper_end_date = None
    profile.full_clean(exclude=["user", "medication_program", "treatment_program"])
    profile.save()
    if old_start is not None and old_start != start_date:
        _milestones_correct(user=user, profile=profile)
    return profile


def _milestones_correct(*, user: Any, profile: RecoveryProfile) -> None:
    today = selectors.today_in(profile)
    days = recoverytime.expand(selectors.lapse_ranges(user=user), until=today)
    reached = recoverytime.milestones_reached(start_date=profile.start_date, today=today, lapse_days=days)
    MilestoneReached.objects.filter(user_id=user.pk).exclude(days__in=list(reached)).delete()


def plan_flow_set(*, user: Any, step: str) -> None:
    """Where the guided first plan stands ("" before it, a step key, or "done")."""
    if step not in (*STEP_KEYS, "done", ""):
        raise ValueError(step)
    RecoveryProfile.objects.filter(user_id=user.pk).update(plan_flow_step=step)


# --- Support people and appointments -----------------------------------------------------


def _phone(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > 40 or not re.fullmatch(r"[0-9+()./\- ]+", text) or not re.search(r"\d{3}", re.sub(r"\D", "", text)):
        raise _error("phone", _("Write a phone number with digits, for example 555-123-4567."))
    return text


@transaction.atomic
def support_person_save(
    *,
    user: Any,
    name: str,
    phone: str | None = None,
    role: str = SupportRole.FRIEND,
    person: SupportPerson | None = None,
) -> SupportPerson:
    """Adds a person (or changes `person`, which the caller got from the chokepoint)."""
    text = " ".join((name or "").split())
    if not text:
        raise _error("name", _("Write a name (a first name or a nickname is fine)."))
    if len(text) > 100:
        raise _error("name", _("Use 100 characters or fewer."))
    if role not in SupportRole.values:
        raise _error("role", _("Choose from the list."))
    if person is None:
        last = SupportPerson.objects.filter(user_id=user.pk).order_by("-position").first()
        person = SupportPerson(user=user, position=(last.position + 1) if last else 0)
    elif person.user_id != user.pk:
        raise ValueError("not this person's support person")
    person.name = text
    person.phone = _phone(phone)
    person.role = role
    person.save()
    return person


def support_person_delete(*, user: Any, person: SupportPerson) -> None:
    if person.user_id != user.pk:
        raise ValueError("not this person's support person")
    person.delete()


@transaction.atomic
def appointment_save(
    *,
    user: Any,
    day: date,
    at: dt.time,
    title: str,
    place: str | None = None,
    time_zone: str | None = None,
    appointment: Appointment | None = None,
) -> Appointment:
    """Stores an appointment at a local date and time in the person's zone (as UTC)."""
    text = " ".join((title or "").split())
    if not text:
        raise _error("title", _("Write what the appointment is, for example Clinic."))
    if time_zone is None:
        profile = selectors.profile_for(user=user)
        time_zone = profile.time_zone if profile else "UTC"
    _check_zone(time_zone)
    local = datetime.combine(day, at, tzinfo=selectors.zone(time_zone))
    if appointment is None:
        appointment = Appointment(user=user)
    elif appointment.user_id != user.pk:
        raise ValueError("not this person's appointment")
    appointment.starts_at = local.astimezone(dt.UTC)
    appointment.time_zone = time_zone
    appointment.title = text[:200]
    appointment.place = _text_or_none(place, limit=200)
    appointment.save()
    return appointment


def appointment_delete(*, user: Any, appointment: Appointment) -> None:
    if appointment.user_id != user.pk:
        raise ValueError("not this person's appointment")
    appointment.delete()


# --- The plan -----------------------------------------------------------------------------


def _snapshot_people(user: Any) -> list[PlanPerson]:
    return [PlanPerson(name=p.name, phone=p.phone or "", role=p.role) for p in selectors.support_people(user=user)]


def _snapshot_goals(user: Any) -> list[str]:
    return [g.title for g in Goal.objects.filter(user_id=user.pk, state=GoalState.ACTIVE).order_by("due_date", "id")]


@transaction.atomic
def plan_save(*, user: Any, content: PlanContent, changed: str) -> PlanVersion | None:
    """Saves the plan as a new version (the earlier ones stay), with copies of the
    person's people and goals as they are now. Saving what is already the newest
    version adds nothing and returns None."""
    if changed not in STEP_KEYS:
        raise ValueError(changed)
    content = PlanContent.model_validate(
        {**content.model_dump(), "people": _snapshot_people(user), "goals": _snapshot_goals(user)}
    )
    # One writer per person at a time (PostgreSQL row lock; SQLite's writes are serial).
    RecoveryProfile.objects.select_for_update().filter(user_id=user.pk).first()
    latest = selectors.plan_latest(user=user)
    if latest is not None and PlanContent.from_json(latest.content) == content:
        return None
    version = PlanVersion(
        user=user, number=(latest.number + 1) if latest else 1, content=content.to_json(), changed=changed
    )
    version.save()
    return version


# --- Check-ins ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinAnswers:
    mood: int | None = None
    craving: int | None = None
    used: bool | None = None
    sleep_hours: Decimal | float | None = None
    medication_taken: bool | None = None
    meeting: bool | None = None
    therapy: bool | None = None
    stress: int | None = None
    pain: int | None = None
    trigger_ids: tuple[str, ...] = ()
    note: str | None = None


def _in(value: Any, low: int, high: int, field: str) -> None:
    if value is not None and not (low <= value <= high):
        raise _error(field, _("Choose a number from %(low)s to %(high)s.") % {"low": low, "high": high})


def _check_answers(answers: CheckinAnswers, *, known_triggers: set[str] | None) -> Decimal | None:
    _in(answers.mood, 1, 5, "mood")
    _in(answers.craving, 0, 10, "craving")
    _in(answers.stress, 0, 10, "stress")
    _in(answers.pain, 0, 10, "pain")
    sleep = None
    if answers.sleep_hours is not None:
        sleep = Decimal(str(answers.sleep_hours)).quantize(Decimal("0.1"))
        if not (0 <= sleep <= 24):
            raise _error("sleep_hours", _("Choose a number of hours from 0 to 24."))
    if len(answers.trigger_ids) > 40:
        raise _error("triggers", _("Too many triggers."))
    if known_triggers is not None and any(t not in known_triggers for t in answers.trigger_ids):
        raise _error("triggers", _("Choose triggers from your plan."))
    if answers.note is not None and len(answers.note) > 4000:
        raise _error("note", _("Use 4,000 characters or fewer."))
    return sleep


def checkin_window(*, today: date) -> tuple[date, date]:
    """The dates a check-in may be made or changed for: today, and yesterday filled in late."""
    return today - dt.timedelta(days=1), today


def _checkin_fields(
    *, user: Any, day: date, answers: CheckinAnswers, profile: RecoveryProfile, check_triggers: bool
) -> dict[str, Any]:
    """The columns a check-in's answers give, after the checks (a ValidationError names the
    first field that is wrong)."""
    earliest, today = checkin_window(today=selectors.today_in(profile))
    if not (earliest <= day <= today):
        raise _error("date", _("You can check in for today, or fill in yesterday."))
    known = None
    if check_triggers and answers.trigger_ids:
        known = set(selectors.trigger_names(user=user, ids=set(answers.trigger_ids)))
    sleep = _check_answers(answers, known_triggers=known)
    return {
        "mood": answers.mood,
        "craving": answers.craving,
        "used": answers.used,
        "sleep_hours": sleep,
        "medication_taken": answers.medication_taken if profile.has_medication else None,
        "meeting": answers.meeting,
        "therapy": answers.therapy,
        "stress": answers.stress,
        "pain": answers.pain,
        "trigger_ids": list(dict.fromkeys(answers.trigger_ids)),
        "note": _text_or_none(answers.note, limit=4000),
    }


# The day's check-in, and in the same statement whether use is recorded for that day (the
# API's answer says so): a look-up fewer on the busiest write.
_CHECKIN_INSERT = Insert(
    Checkin,
    also=[
        f'EXISTS (SELECT 1 FROM "{Lapse._meta.db_table}" WHERE "user_id" = %s AND "date" <= %s AND "end_date" >= %s)',  # noqa: S608 - a table name from _meta
    ],
    also_params=["user", "date", "date"],
)


def checkin_record(
    *,
    user: Any,
    client_id: uuid.UUID,
    day: date,
    answers: CheckinAnswers,
    profile: RecoveryProfile | None = None,
    check_triggers: bool = True,
) -> tuple[Checkin, bool]:
    """Records the day's check-in; returns it and whether it was created.

    - A ``client_id`` seen before returns that check-in unchanged (a retry, an offline
      sync sent twice).
    - Otherwise the day's check-in is created, or updated if the day already has one
      (one per local day: a unique constraint, and a concurrent insert that loses the
      race updates the winner's row instead).
    - Only today and yesterday (local) may be written.
    - ``used=True`` records that day as a lapse (once); ``used=False`` removes a lapse
      that this check-in made; None leaves lapses alone.

    The reads and checks come before any write, and a transaction holds only the writes:
    on SQLite it holds the one writer's place (waypoint/core/sqlite/base.py), and every
    other writer waits for it.
    """
    profile = profile or selectors.profile_for(user=user)
    if profile is None:
        raise _error("profile", _("Set up your recovery profile first."))
    try:
        fields = _checkin_fields(user=user, day=day, answers=answers, profile=profile, check_triggers=check_triggers)
    except ValidationError:
        # A check-in sent before is answered with what was stored, whatever its date or
        # answers say now (an offline sync can repeat one days later).
        by_client, _on_day = selectors.checkin_sent_or_on_day(user=user, client_id=client_id, day=day)
        if by_client is not None:
            return by_client, False
        raise
    # Most check-ins are the day's first: the row is added without a look-up before it, and
    # the unique constraints (one per day, one per client id) refuse it when it is not.
    checkin = Checkin(user=user, client_id=client_id, date=day, **fields)
    if answers.used is True:
        with transaction.atomic():  # the check-in and its lapse, or neither
            added = _CHECKIN_INSERT.unless_taken(checkin)
            if added is not None and not added[0]:  # no lapse covers the day yet (read by the INSERT)
                Lapse.objects.create(user=user, date=day, end_date=day, checkin=checkin)
    else:
        # One INSERT is atomic on its own; on SQLite the writer's place is then held only
        # while that statement runs. A refused row is not an error, so a caller's
        # transaction goes on.
        added = _CHECKIN_INSERT.unless_taken(checkin)
    if added is not None:
        checkin.use_on_day = answers.used is True or bool(added[0])
        return checkin, True
    # Refused: this client id's check-in (a retry, maybe sent twice at once), or the day's,
    # which this one then updates.
    by_client, on_day = selectors.checkin_sent_or_on_day(user=user, client_id=client_id, day=day)
    if by_client is not None:
        return by_client, False
    if on_day is None:  # the row that refused it was deleted meanwhile
        raise _error("date", _("This check-in could not be saved. Please try again."))
    checkin = on_day
    with transaction.atomic():
        for name, value in fields.items():
            setattr(checkin, name, value)
        checkin.save(update_fields=[*fields, "updated_at"])
        if answers.used is True:
            _lapse_for_checkin(user=user, checkin=checkin)
        elif answers.used is False:
            Lapse.objects.filter(user_id=user.pk, checkin=checkin, date=day, end_date=day).delete()
    return checkin, False


def _lapse_for_checkin(*, user: Any, checkin: Checkin) -> None:
    if not selectors.lapse_covers(user=user, day=checkin.date):
        Lapse.objects.create(user=user, date=checkin.date, end_date=checkin.date, checkin=checkin)


# --- Lapses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reflection:
    what_happened: str | None = None
    what_helped: str | None = None
    what_to_change: str | None = None


def _check_lapse_dates(*, first: date, last: date, today: date) -> None:
    if first > today:
        raise _error("date", _("Choose today or a day before it."))
    if first < EARLIEST:
        raise _error("date", _("Choose a later date."))
    if last < first:
        raise _error("end_date", _("The last day cannot be before the first day."))
    if last > today:
        raise _error("end_date", _("Choose today or a day before it."))
    if (last - first).days + 1 > MAX_LAPSE_DAYS:
        raise _error("end_date", _("Record up to a year at a time."))


def _apply_reflection(lapse: Lapse, reflection: Reflection) -> None:
    lapse.what_happened = _text_or_none(reflection.what_happened, limit=4000)
    lapse.what_helped = _text_or_none(reflection.what_helped, limit=4000)
    lapse.what_to_change = _text_or_none(reflection.what_to_change, limit=4000)


@transaction.atomic
def lapse_record(*, user: Any, first: date, last: date | None = None, reflection: Reflection | None = None) -> Lapse:
    """Records use on a day (or days in a row), today or earlier, with an optional
    reflection. Only those days leave days in recovery."""
    profile = selectors.profile_for(user=user)
    if profile is None:
        raise _error("profile", _("Set up your recovery profile first."))
    last = last or first
    _check_lapse_dates(first=first, last=last, today=selectors.today_in(profile))
    lapse = Lapse(user=user, date=first, end_date=last)
    _apply_reflection(lapse, reflection or Reflection())
    lapse.save()
    return lapse


@transaction.atomic
def lapse_reflect(*, user: Any, lapse: Lapse, reflection: Reflection) -> Lapse:
    """Writes (or rewrites) the reflection of a lapse from the chokepoint."""
    if lapse.user_id != user.pk:
        raise ValueError("not this person's lapse")
    _apply_reflection(lapse, reflection)
    lapse.save(update_fields=["what_happened", "what_helped", "what_to_change", "updated_at"])
    return lapse


@transaction.atomic
def lapse_delete(*, user: Any, lapse: Lapse) -> None:
    """Deletes a lapse (recorded by mistake): its days count again. A check-in that made
    it keeps its other answers but no longer says "used"."""
    if lapse.user_id != user.pk:
        raise ValueError("not this person's lapse")
    if lapse.checkin_id is not None:
        Checkin.objects.filter(pk=lapse.checkin_id, user_id=user.pk).update(used=False)
    lapse.delete()


# --- Milestones ---------------------------------------------------------------------------


def recovery_refresh(*, user: Any, profile: RecoveryProfile, today: date | None = None) -> selectors.RecoveryStatus:
    """Recovery status for today, storing any milestone the facts have just reached (with
    the date it was reached). Milestones are facts: a lapse recorded later, even for an
    earlier day, never removes one. Safe to call on every page view: it writes only when
    a new milestone is reached, and a race inserts it once."""
    status = selectors.recovery_status(user=user, profile=profile, today=today)
    if status.unrecorded:
        MilestoneReached.objects.bulk_create(
            [MilestoneReached(user=user, days=m.days, reached_on=m.reached_on) for m in status.unrecorded],
            ignore_conflicts=True,
        )
    return status


# --- Goals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalText:
    title: str
    measure: str | None = None
    achievable: str | None = None
    relevant: str | None = None
    due_date: date | None = None


@transaction.atomic
def goal_save(*, user: Any, text: GoalText, goal: Goal | None = None) -> Goal:
    title = " ".join((text.title or "").split())
    if not title:
        raise _error("title", _("Write what you will do."))
    if len(title) > 300:
        raise _error("title", _("Use 300 characters or fewer."))
    if goal is None:
        goal = Goal(user=user)
    elif goal.user_id != user.pk:
        raise ValueError("not this person's goal")
    goal.title = title
    goal.measure = _text_or_none(text.measure, limit=1000)
    goal.achievable = _text_or_none(text.achievable, limit=1000)
    goal.relevant = _text_or_none(text.relevant, limit=1000)
    goal.due_date = text.due_date
    goal.save()
    return goal


def goal_finish(*, user: Any, goal: Goal, state: str) -> Goal:
    """Marks a goal done or let go (or active again)."""
    if goal.user_id != user.pk:
        raise ValueError("not this person's goal")
    if state not in GoalState.values:
        raise ValueError(state)
    goal.state = state
    goal.finished_on = None if state == GoalState.ACTIVE else selectors.local_today(user=user)
    goal.save(update_fields=["state", "finished_on", "updated_at"])
    return goal


def goal_step_add(*, user: Any, goal: Goal, text: str) -> GoalStep:
    if goal.user_id != user.pk:
        raise ValueError("not this person's goal")
    clean = " ".join((text or "").split())
    if not clean:
        raise _error("step", _("Write a small step."))
    last = goal.steps.order_by("-position").first()
    return GoalStep.objects.create(goal=goal, user=user, text=clean[:300], position=(last.position + 1) if last else 0)


def goal_step_toggle(*, user: Any, goal: Goal, step_id: int, done: bool) -> GoalStep | None:
    """Ticks a step of the goal (from the goal chokepoint) done or not done."""
    step = goal.steps.filter(pk=step_id).first()
    if step is None or step.user_id != user.pk:
        return None
    step.done = done
    step.done_on = selectors.local_today(user=user) if done else None
    step.save(update_fields=["done", "done_on"])
    return step


def goal_step_delete(*, user: Any, goal: Goal, step_id: int) -> None:
    goal.steps.filter(pk=step_id, user_id=user.pk).delete()


# --- "I'm struggling" ---------------------------------------------------------------------


def struggling_record(*, user: Any) -> StrugglingMoment:
    """Stores that the person pressed "I'm struggling" (private; exported and deleted
    with the account; groups show it only if the person tells their group)."""
    with transaction.atomic():
        return StrugglingMoment.objects.create(user=user)


# --- Recovery capital (BARC-10, through the screening app) --------------------------------


def barc_save(*, user: Any, answers: Mapping[str, Any]) -> Any:
    """Scores and saves a BARC-10 with the screening app's own service (which re-scores on
    the server). Raises ValueError for incomplete or invalid answers."""
    from waypoint.screening.services import result_save

    return result_save(user=user, instrument_id=selectors.BARC_ID, answers=answers)
