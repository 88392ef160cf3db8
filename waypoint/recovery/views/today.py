"""The today page (the signed-in home for someone in recovery), first-time setup, and
the recovery-time page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.core import today as today_notices
from waypoint.recovery import display, forms, selectors, services
from waypoint.recovery.models import Appointment, RecoveryProfile
from waypoint.recovery.plan import step as plan_step
from waypoint.recovery.views.common import personal, profile_of, with_profile


def add_service_errors(form: forms.forms.Form, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form's fields (or on the form)."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def local_times(appointments: list[Appointment]) -> list[dict[str, object]]:
    """Each appointment with its local date and time in its own zone. (Naive values:
    template filters would otherwise show an aware time in the server's zone.)"""
    rows = []
    for appointment in appointments:
        local = appointment.starts_at.astimezone(selectors.zone(appointment.time_zone))
        rows.append({"appointment": appointment, "day": local.date(), "time": local.time().replace(tzinfo=None)})
    return rows


@personal
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """First-time setup: only the start date and time zone; everything else can wait."""
    profile = profile_of(request)
    if profile is not None:
        return redirect("recovery:today")
    zone = request.POST.get("time_zone") or ""
    initial = {"start_date": selectors.local_now_in(zone).date(), "time_zone": selectors.zone(None).key}
    form = forms.StartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(
                user=request.user, start_date=form.cleaned_data["start_date"], time_zone=form.cleaned_data["time_zone"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your recovery space is ready. Next: a short plan for hard moments."))
            return redirect("recovery:plan")
    return render(request, "recovery/start.html", {"form": form}, status=400 if form.errors else 200)


@personal
@require_GET
@with_profile
def today(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    user = request.user
    status = services.recovery_refresh(user=user, profile=profile)
    day = status.time.today
    checkin = selectors.checkin_on(user=user, day=day)
    yesterday = day - dt.timedelta(days=1)
    plan = selectors.plan_current(user=user)
    form = None
    if checkin is None:
        form = forms.CheckinForm(
            initial=forms.checkin_initial(None, day=day, used_recorded=day in status.lapse_days),
            triggers=[(t.id, t.name) for t in plan.triggers],
            has_medication=profile.has_medication,
        )
    barc_due = selectors.barc_due_on(user=user)
    recent = status.recent_milestone()
    flow = plan_step(profile.plan_flow_step) if profile.plan_flow_step not in ("", "done") else None
    context = {
        "profile": profile,
        "status": status,
        "today": day,
        "checkin": checkin,
        "form": form,
        "fill_yesterday": yesterday >= profile.start_date and not selectors.checked_in_on(user=user, date=yesterday),
        "appointments": local_times(selectors.appointments_on(user=user, profile=profile, day=day)),
        "goals_due": selectors.goals_due_between(user=user, start=dt.date.min, end=day + dt.timedelta(days=7)),
        "barc_due": barc_due is not None and barc_due <= day,
        "plan_empty": plan.is_empty() and profile.plan_flow_step != "done",
        "plan_resume": flow,
        "recent_milestone": recent,
        "next_label": display.milestone_label(status.next_milestone),
        "recent_label": display.milestone_label(recent.days) if recent else "",
        # What other apps have for the person today (the early-warning prompt): core/today.py.
        "notices": today_notices.notices_for(user=user),
    }
    return render(request, "recovery/today.html", context)


@personal
@require_GET
@with_profile
def progress(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    """Recovery time in full: the three counts, milestones with their dates, lapse days."""
    status = services.recovery_refresh(user=request.user, profile=profile)
    milestones = [
        {"days": m.days, "label": display.milestone_label(m.days), "reached_on": m.reached_on}
        for m in status.milestones
    ]
    return render(
        request,
        "recovery/progress.html",
        {
            "profile": profile,
            "status": status,
            "milestones": milestones,
            "next_label": display.milestone_label(status.next_milestone),
            "lapse_count": len(status.lapse_days),
        },
    )
