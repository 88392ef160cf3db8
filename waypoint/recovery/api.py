"""The person's own recovery data as JSON, under /api/v1/me/ (docs/recovery.md has examples).

Auth: the browser's session (unsafe methods need the CSRF token, as forms do) or a
personal access token (``Authorization: Bearer wpt_…``; a read-only token cannot write).
Everything here is the signed-in person's own; a lapse named by id goes through its
chokepoint, so another person's is a 404. Dates are local dates of the person, ISO
``YYYY-MM-DD``; times are UTC, ISO 8601.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from waypoint.core.access import NotAllowed, Policy, api_access
from waypoint.core.apiauth import PERSONAL_AUTH
from waypoint.core.apierrors import AUTH_ERROR_RESPONSES, api_error
from waypoint.recovery import display, selectors, services
from waypoint.recovery.models import Checkin, Lapse, RecoveryProfile

router = Router(tags=["me"], auth=PERSONAL_AUTH)

Medication = Literal["none", "methadone", "buprenorphine", "naltrexone", "other"]
Role = Literal["sponsor", "peer_coach", "family", "friend", "counsellor", "doctor", "other"]
SubstanceKey = Literal["heroin", "fentanyl", "pills", "stimulants", "alcohol", "benzos", "cannabis", "other"]
# (tests/test_api.py checks these three lists match the models' choices)


# --- Schemas (names prefixed: they are unique across the API's apps) ---------------------


class RecoverySupportPersonIO(Schema):
    name: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(None, max_length=40)
    role: Role = "friend"


class RecoveryAppointmentIO(Schema):
    starts_at: dt.datetime = Field(description="ISO 8601; without an offset it is read in the profile's time zone")
    title: str = Field(min_length=1, max_length=200)
    place: str | None = Field(None, max_length=200)


class RecoveryTriggerOut(Schema):
    id: str
    kind: str = Field(description="people, places, feelings, times or things")
    name: str


class RecoveryProfileIn(Schema):
    start_date: dt.date
    time_zone: str = Field(min_length=1, max_length=64, description="IANA name, e.g. America/Chicago")
    substances: list[SubstanceKey] = Field(default_factory=list, max_length=8)
    medication: Medication = "none"
    medication_program: str | None = Field(None, max_length=200, description="program or prescriber")
    dose_times: list[str] = Field(
        default_factory=list, max_length=6, description="local times of day, HH:MM (only with a medication)"
    )
    taper_end_date: dt.date | None = None
    treatment_program: str | None = Field(None, max_length=200)
    support_people: list[RecoverySupportPersonIO] | None = Field(
        None, max_length=30, description="when given, replaces the list; left out, keeps it"
    )
    appointments: list[RecoveryAppointmentIO] | None = Field(
        None, max_length=100, description="when given, replaces the upcoming appointments; left out, keeps them"
    )


class RecoveryProfileOut(Schema):
    start_date: dt.date
    time_zone: str
    today: dt.date
    substances: list[str]
    medication: str
    medication_program: str | None
    dose_times: list[str]
    taper_end_date: dt.date | None
    treatment_program: str | None
    support_people: list[RecoverySupportPersonIO]
    appointments: list[RecoveryAppointmentIO] = Field(description="from 12 hours ago on")
    plan_triggers: list[RecoveryTriggerOut] = Field(description="the current plan's triggers (ids for check-ins)")


class CheckinIn(Schema):
    client_id: uuid.UUID = Field(description="made by the client; sending it again returns the same check-in")
    date: dt.date = Field(description="the person's local date: today, or yesterday filled in late")
    mood: int | None = Field(None, ge=1, le=5)
    craving: int | None = Field(None, ge=0, le=10)
    used: bool | None = Field(None, description="true records that day as a lapse; false takes back one it made")
    sleep_hours: float | None = Field(None, ge=0, le=24)
    medication_taken: bool | None = None
    meeting: bool | None = None
    therapy: bool | None = None
    stress: int | None = Field(None, ge=0, le=10)
    pain: int | None = Field(None, ge=0, le=10)
    triggers: list[str] = Field(default_factory=list, max_length=40, description="ids from plan_triggers")
    note: str | None = Field(None, max_length=4000)


class CheckinTriggerOut(Schema):
    id: str
    name: str | None


class CheckinOut(Schema):
    id: int
    client_id: uuid.UUID
    date: dt.date
    mood: int | None
    craving: int | None
    used: bool = Field(description="use is recorded for this date (from a check-in or a lapse)")
    sleep_hours: float | None
    medication_taken: bool | None
    meeting: bool | None
    therapy: bool | None
    stress: int | None
    pain: int | None
    triggers: list[CheckinTriggerOut]
    note: str | None
    recorded_at: dt.datetime
    updated_at: dt.datetime


class LapseIn(Schema):
    date: dt.date
    end_date: dt.date | None = Field(None, description="last day, when it was several days in a row")
    what_happened: str | None = Field(None, max_length=4000)
    what_helped: str | None = Field(None, max_length=4000)
    what_to_change: str | None = Field(None, max_length=4000)


class LapseOut(Schema):
    id: int
    date: dt.date
    end_date: dt.date
    days: int
    from_checkin: bool
    what_happened: str | None
    what_helped: str | None
    what_to_change: str | None
    recorded_at: dt.datetime


class RecoveryMilestoneOut(Schema):
    days: int
    label: str
    reached_on: dt.date


class RecoveryNextMilestoneOut(Schema):
    days: int
    label: str
    days_to_go: int


class RecoveryOut(Schema):
    start_date: dt.date
    today: dt.date
    days_in_recovery: int
    current_stretch_days: int
    longest_stretch_days: int
    lapse_days: list[dt.date]
    milestones_reached: list[RecoveryMilestoneOut]
    next_milestone: RecoveryNextMilestoneOut


class LapseDeletedOut(Schema):
    deleted: int
    recovery: RecoveryOut


# --- Helpers ------------------------------------------------------------------------------


def _invalid(error: ValidationError, *, where: str = "body") -> Status[dict[str, Any]]:
    field, messages = next(iter(error.message_dict.items()))
    loc: list[str | int] = [where] if field == "__all__" else [where, field]
    return api_error(422, loc=loc, msg=str(messages[0]), type="invalid")


def _profile_or_422(request: HttpRequest) -> RecoveryProfile | Status[dict[str, Any]]:
    profile = selectors.profile_for(user=request.user)
    if profile is None:
        return api_error(
            422, loc=[], msg="Set up your recovery profile first (PUT /api/v1/me/profile).", type="no_profile"
        )
    return profile


def _profile_out(request: HttpRequest, profile: RecoveryProfile) -> dict[str, Any]:
    plan = selectors.plan_current(user=request.user)
    return {
        "start_date": profile.start_date,
        "time_zone": profile.time_zone,
        "today": selectors.today_in(profile),
        "substances": list(profile.substances),
        "medication": profile.medication_kind,
        "medication_program": profile.medication_program,
        "dose_times": list(profile.dose_times),
        "taper_end_date": profile.taper_end_date,
        "treatment_program": profile.treatment_program,
        "support_people": [
            {"name": p.name, "phone": p.phone, "role": p.role} for p in selectors.support_people(user=request.user)
        ],
        "appointments": [
            {"starts_at": a.starts_at, "title": a.title, "place": a.place}
            for a in selectors.appointments_upcoming(user=request.user, limit=100)
        ],
        "plan_triggers": [{"id": t.id, "kind": t.kind, "name": t.name} for t in plan.triggers],
    }


def _checkin_out(checkin: Checkin, *, used_days: set[dt.date], names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": checkin.pk,
        "client_id": checkin.client_id,
        "date": checkin.date,
        "mood": checkin.mood,
        "craving": checkin.craving,
        "used": checkin.date in used_days,
        "sleep_hours": float(checkin.sleep_hours) if checkin.sleep_hours is not None else None,
        "medication_taken": checkin.medication_taken,
        "meeting": checkin.meeting,
        "therapy": checkin.therapy,
        "stress": checkin.stress,
        "pain": checkin.pain,
        "triggers": [{"id": i, "name": names.get(i)} for i in checkin.trigger_ids],
        "note": checkin.note,
        "recorded_at": checkin.created_at,
        "updated_at": checkin.updated_at,
    }


def _lapse_out(lapse: Lapse) -> dict[str, Any]:
    return {
        "id": lapse.pk,
        "date": lapse.date,
        "end_date": lapse.end_date,
        "days": lapse.day_count,
        "from_checkin": lapse.checkin_id is not None,
        "what_happened": lapse.what_happened,
        "what_helped": lapse.what_helped,
        "what_to_change": lapse.what_to_change,
        "recorded_at": lapse.created_at,
    }


def _recovery_out(request: HttpRequest, profile: RecoveryProfile) -> dict[str, Any]:
    status = services.recovery_refresh(user=request.user, profile=profile)
    time = status.time
    return {
        "start_date": time.start_date,
        "today": time.today,
        "days_in_recovery": time.days_in_recovery,
        "current_stretch_days": time.current_stretch_days,
        "longest_stretch_days": time.longest_stretch_days,
        "lapse_days": list(status.lapse_days),
        "milestones_reached": [
            {"days": m.days, "label": display.milestone_label(m.days), "reached_on": m.reached_on}
            for m in status.milestones
        ],
        "next_milestone": {
            "days": status.next_milestone,
            "label": display.milestone_label(status.next_milestone),
            "days_to_go": status.days_to_next,
        },
    }


# --- Profile ------------------------------------------------------------------------------


@router.get("/profile", response={200: RecoveryProfileOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def profile_get(request: HttpRequest) -> Any:
    """The recovery profile (404 before it is set up)."""
    profile = selectors.profile_for(user=request.user)
    if profile is None:
        raise NotAllowed()
    return _profile_out(request, profile)


@router.put("/profile", response={200: RecoveryProfileOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def profile_put(request: HttpRequest, body: RecoveryProfileIn) -> Any:
    """Sets the whole profile (`support_people` and `appointments` only when given)."""
    user = request.user
    try:
        with transaction.atomic():
            profile = services.profile_save(
                user=user,
                start_date=body.start_date,
                time_zone=body.time_zone,
                substances=body.substances,
                medication_kind=body.medication,
                medication_program=body.medication_program,
                dose_times=body.dose_times,
                taper_end_date=body.taper_end_date,
                treatment_program=body.treatment_program,
                keep_unset=False,
            )
            if body.support_people is not None:
                for person in selectors.support_people(user=user):
                    services.support_person_delete(user=user, person=person)
                for entry in body.support_people:
                    services.support_person_save(user=user, name=entry.name, phone=entry.phone, role=entry.role)
            if body.appointments is not None:
                for old in selectors.appointments_upcoming(user=user, limit=10_000):
                    services.appointment_delete(user=user, appointment=old)
                tz = selectors.zone(profile.time_zone)
                for item in body.appointments:
                    local = (item.starts_at if item.starts_at.tzinfo else item.starts_at.replace(tzinfo=tz)).astimezone(
                        tz
                    )
                    services.appointment_save(
                        user=user,
                        day=local.date(),
                        at=local.timetz().replace(tzinfo=None),
                        title=item.title,
                        place=item.place,
                        time_zone=profile.time_zone,
                    )
    except ValidationError as error:
        return _invalid(error)
    return _profile_out(request, profile)


# --- Check-ins ----------------------------------------------------------------------------


@router.post("/checkins", response={200: CheckinOut, 201: CheckinOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def checkin_post(request: HttpRequest, body: CheckinIn) -> Any:
    """Records the day's check-in (201), or returns the one with this `client_id` or
    updates the day's one (200). One check-in per local date."""
    profile = _profile_or_422(request)
    if not isinstance(profile, RecoveryProfile):
        return profile
    answers = services.CheckinAnswers(
        mood=body.mood,
        craving=body.craving,
        used=body.used,
        sleep_hours=body.sleep_hours,
        medication_taken=body.medication_taken,
        meeting=body.meeting,
        therapy=body.therapy,
        stress=body.stress,
        pain=body.pain,
        trigger_ids=tuple(body.triggers),
        note=body.note,
    )
    try:
        checkin, created = services.checkin_record(
            user=request.user, client_id=body.client_id, day=body.date, answers=answers, profile=profile
        )
    except ValidationError as error:
        return _invalid(error)
    # Only this day's use is needed for the answer: read with a new row's INSERT, or one
    # look-up (not every lapse).
    use = checkin.use_on_day
    if use is None:
        use = selectors.lapse_covers(user=request.user, day=checkin.date)
    used = {checkin.date} if use else set()
    names = selectors.trigger_names(user=request.user, ids=set(checkin.trigger_ids)) if checkin.trigger_ids else {}
    return Status(201 if created else 200, _checkin_out(checkin, used_days=used, names=names))


@router.get("/checkins", response={200: list[CheckinOut], **AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def checkins_get(
    request: HttpRequest,
    from_: dt.date | None = Query(None, alias="from", description="first date, included"),  # noqa: B008
    to: dt.date | None = Query(None, description="last date, included"),  # noqa: B008
) -> Any:
    """Check-ins from `from` to `to` (both optional), oldest first."""
    if from_ is not None and to is not None and from_ > to:
        return api_error(422, loc=["query", "from"], msg="`from` is after `to`.", type="invalid")
    rows = selectors.checkins_between(user=request.user, start=from_, end=to)[::-1]
    used = set(selectors.lapse_dates(user=request.user))
    wanted = {i for row in rows for i in row.trigger_ids}
    names = selectors.trigger_names(user=request.user, ids=wanted) if wanted else {}
    return [_checkin_out(row, used_days=used, names=names) for row in rows]


# --- Lapses and recovery time ------------------------------------------------------------


@router.post("/lapses", response={201: LapseOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def lapse_post(request: HttpRequest, body: LapseIn) -> Any:
    """Records use on a date (or dates in a row), today or earlier, with an optional reflection."""
    try:
        lapse = services.lapse_record(
            user=request.user,
            first=body.date,
            last=body.end_date,
            reflection=services.Reflection(
                what_happened=body.what_happened, what_helped=body.what_helped, what_to_change=body.what_to_change
            ),
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _lapse_out(lapse))


@router.get("/lapses", response={200: list[LapseOut], **AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def lapses_get(request: HttpRequest) -> Any:
    """Every lapse, newest first."""
    return [_lapse_out(lapse) for lapse in selectors.lapses(user=request.user)]


@router.delete("/lapses/{lapse_id}", response={200: LapseDeletedOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.OWNER)
def lapse_delete(request: HttpRequest, lapse_id: int) -> Any:
    """Deletes a lapse (its days count again) and answers with the recovery time after it."""
    lapse = selectors.lapse_for_owner(user=request.user, lapse_id=lapse_id)
    deleted = lapse.pk
    services.lapse_delete(user=request.user, lapse=lapse)
    profile = selectors.profile_for(user=request.user)
    if profile is None:
        raise NotAllowed()
    return {"deleted": deleted, "recovery": _recovery_out(request, profile)}


@router.get("/recovery", response={200: RecoveryOut, **AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def recovery_get(request: HttpRequest) -> Any:
    """Recovery time, computed now from the start date and the lapses (never stored).
    404 before the profile is set up."""
    profile = selectors.profile_for(user=request.user)
    if profile is None:
        raise NotAllowed()
    return _recovery_out(request, profile)
