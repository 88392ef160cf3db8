"""The recovery companion's part of "My data": every row, decrypted for the person it
describes, and deleted with the account (waypoint.core.userdata)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from waypoint.core import userdata
from waypoint.recovery.models import (
    Appointment,
    Checkin,
    Goal,
    GoalStep,
    Lapse,
    MilestoneReached,
    PlanVersion,
    RecoveryProfile,
    StrugglingMoment,
    SupportPerson,
)
from waypoint.recovery.plan import PlanContent


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def profile_export(*, user: Any) -> dict[str, Any]:
    profile = RecoveryProfile.objects.filter(user_id=user.pk).first()
    if profile is None:
        return {}
    return {
        "start_date": _iso(profile.start_date),
        "time_zone": profile.time_zone,
        "substances": list(profile.substances),
        "medication": profile.medication_kind,
        "medication_program": profile.medication_program,
        "dose_times": list(profile.dose_times),
        "taper_end_date": _iso(profile.taper_end_date),
        "treatment_program": profile.treatment_program,
        "created_at": _iso(profile.created_at),
    }


def people_export(*, user: Any) -> list[dict[str, Any]]:
    return [
        {"name": p.name, "phone": p.phone, "role": p.role}
        for p in SupportPerson.objects.filter(user_id=user.pk).order_by("position", "id")
    ]


def appointments_export(*, user: Any) -> list[dict[str, Any]]:
    return [
        {"starts_at": _iso(a.starts_at), "time_zone": a.time_zone, "title": a.title, "place": a.place}
        for a in Appointment.objects.filter(user_id=user.pk).order_by("starts_at", "id")
    ]


def plan_export(*, user: Any) -> list[dict[str, Any]]:
    return [
        {
            "version": v.number,
            "saved_at": _iso(v.created_at),
            "changed": v.changed,
            **PlanContent.from_json(v.content).model_dump(),
        }
        for v in PlanVersion.objects.filter(user_id=user.pk).order_by("number")
    ]


def checkins_export(*, user: Any) -> list[dict[str, Any]]:
    from waypoint.recovery.selectors import trigger_names

    names = trigger_names(user=user)
    return [
        {
            "date": _iso(c.date),
            "client_id": str(c.client_id),
            "mood": c.mood,
            "craving": c.craving,
            "used": c.used,
            "sleep_hours": float(c.sleep_hours) if c.sleep_hours is not None else None,
            "medication_taken": c.medication_taken,
            "meeting": c.meeting,
            "therapy": c.therapy,
            "stress": c.stress,
            "pain": c.pain,
            "triggers": [names.get(i, i) for i in c.trigger_ids],
            "note": c.note,
            "recorded_at": _iso(c.created_at),
            "changed_at": _iso(c.updated_at),
        }
        for c in Checkin.objects.filter(user_id=user.pk).order_by("date")
    ]


def lapses_export(*, user: Any) -> list[dict[str, Any]]:
    return [
        {
            "date": _iso(lapse.date),
            "end_date": _iso(lapse.end_date),
            "from_checkin": lapse.checkin_id is not None,
            "what_happened": lapse.what_happened,
            "what_helped": lapse.what_helped,
            "what_to_change": lapse.what_to_change,
            "recorded_at": _iso(lapse.created_at),
        }
        for lapse in Lapse.objects.filter(user_id=user.pk).order_by("date", "id")
    ]


def milestones_export(*, user: Any) -> list[dict[str, Any]]:
    return [
        {"days": m.days, "reached_on": _iso(m.reached_on)}
        for m in MilestoneReached.objects.filter(user_id=user.pk).order_by("days")
    ]


def goals_export(*, user: Any) -> list[dict[str, Any]]:
    return [
        {
            "title": g.title,
            "measure": g.measure,
            "achievable": g.achievable,
            "relevant": g.relevant,
            "due_date": _iso(g.due_date),
            "state": g.state,
            "finished_on": _iso(g.finished_on),
            "steps": [{"text": s.text, "done": s.done, "done_on": _iso(s.done_on)} for s in g.steps.all()],
            "created_at": _iso(g.created_at),
        }
        for g in Goal.objects.filter(user_id=user.pk).prefetch_related("steps").order_by("created_at", "id")
    ]


def struggling_export(*, user: Any) -> list[str]:
    return [_iso(m.created_at) for m in StrugglingMoment.objects.filter(user_id=user.pk).order_by("created_at")]


def _deleter(*models: Any) -> Any:
    def delete(*, user: Any) -> int:
        total = 0
        for model in models:
            deleted, _by_model = model.objects.filter(user_id=user.pk).delete()
            total += deleted
        return total

    return delete


# (key, label, exporter, deleter), built once so that registering again is harmless.
# Check-ins' deleter takes the lapses first (they may point at a check-in), goals' the steps.
PROVIDERS = (
    ("recovery.profile", _("Recovery profile"), profile_export, _deleter(RecoveryProfile)),
    ("recovery.people", _("People I can call"), people_export, _deleter(SupportPerson)),
    ("recovery.appointments", _("Appointments"), appointments_export, _deleter(Appointment)),
    ("recovery.plan", _("Recovery plan (every saved version)"), plan_export, _deleter(PlanVersion)),
    ("recovery.checkins", _("Daily check-ins"), checkins_export, _deleter(Lapse, Checkin)),
    ("recovery.lapses", _("Lapses and reflections"), lapses_export, _deleter(Lapse)),
    ("recovery.milestones", _("Milestones reached"), milestones_export, _deleter(MilestoneReached)),
    ("recovery.goals", _("Goals"), goals_export, _deleter(GoalStep, Goal)),
    ("recovery.struggling", _('Times I pressed "I\'m struggling"'), struggling_export, _deleter(StrugglingMoment)),
)


def register_all() -> None:
    for key, label, exporter, deleter in PROVIDERS:
        userdata.register(key=key, label=label, exporter=exporter, deleter=deleter)
