"""SMART goals: guided prompts, small steps as progress, done or let go."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.recovery import forms, selectors, services
from waypoint.recovery.models import Goal, GoalState, RecoveryProfile
from waypoint.recovery.views.common import personal, with_profile
from waypoint.recovery.views.today import add_service_errors


@personal
@require_GET
@with_profile
def goals(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    every = selectors.goals(user=request.user)
    rows: list[dict[str, Any]] = [
        {"goal": g, "total": len(steps), "done": sum(1 for s in steps if s.done)}
        for g in every
        for steps in [list(g.steps.all())]
    ]
    groups = [
        {"state": state, "label": label, "rows": [r for r in rows if r["goal"].state == state]}
        for state, label in GoalState.choices
    ]
    return render(
        request, "recovery/goals.html", {"groups": groups, "today": selectors.today_in(profile), "any": bool(every)}
    )


def _goal_text(form: forms.GoalForm) -> services.GoalText:
    data = form.cleaned_data
    return services.GoalText(
        title=data["title"],
        measure=data["measure"],
        achievable=data["achievable"],
        relevant=data["relevant"],
        due_date=data["due_date"],
    )


@personal
@require_http_methods(["GET", "POST"])
@with_profile
def goal_new(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    form = forms.GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_save(user=request.user, text=_goal_text(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal saved. Add a first small step."))
            return redirect("recovery:goal", goal_id=goal.pk)
    return render(request, "recovery/goal_form.html", {"form": form, "goal": None}, status=400 if form.errors else 200)


@personal
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.goal_for_owner(user=request.user, goal_id=goal_id)
    initial = {
        "title": goal.title,
        "measure": goal.measure or "",
        "achievable": goal.achievable or "",
        "relevant": goal.relevant or "",
        "due_date": goal.due_date,
    }
    form = forms.GoalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_save(user=request.user, text=_goal_text(form), goal=goal)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("recovery:goal", goal_id=goal.pk)
    return render(request, "recovery/goal_form.html", {"form": form, "goal": goal}, status=400 if form.errors else 200)


def _act(request: HttpRequest, goal: Goal, step_form: forms.GoalStepForm) -> HttpResponse | None:
    """The goal page's buttons: add a step, tick or untick one, remove one, finish."""
    action = request.POST.get("action", "")
    if action == "add-step":
        if step_form.is_valid():
            services.goal_step_add(user=request.user, goal=goal, text=step_form.cleaned_data["step"])
            return redirect("recovery:goal", goal_id=goal.pk)
        return None
    if action in ("step-done", "step-undo", "step-remove"):
        try:
            step_id = int(request.POST.get("step_id", ""))
        except ValueError:
            return redirect("recovery:goal", goal_id=goal.pk)
        if action == "step-remove":
            services.goal_step_delete(user=request.user, goal=goal, step_id=step_id)
        else:
            services.goal_step_toggle(user=request.user, goal=goal, step_id=step_id, done=action == "step-done")
        return redirect("recovery:goal", goal_id=goal.pk)
    states = {"done": GoalState.DONE, "let-go": GoalState.LET_GO, "reopen": GoalState.ACTIVE}
    if action in states:
        services.goal_finish(user=request.user, goal=goal, state=states[action])
        notes = {
            "done": _("Well done. That goal is reached."),
            "let-go": _("You let this goal go. Letting go of a goal that does not fit is a choice, not a failure."),
            "reopen": _("You are working on this goal again."),
        }
        messages.success(request, notes[action])
        return redirect("recovery:goal", goal_id=goal.pk)
    return redirect("recovery:goal", goal_id=goal.pk)


@personal
@require_http_methods(["GET", "POST"])
def goal(request: HttpRequest, goal_id: int) -> HttpResponse:
    entry = selectors.goal_for_owner(user=request.user, goal_id=goal_id)
    step_form = forms.GoalStepForm(request.POST if request.POST.get("action") == "add-step" else None)
    if request.method == "POST":
        response = _act(request, entry, step_form)
        if response is not None:
            return response
    steps = list(entry.steps.all())
    done = sum(1 for s in steps if s.done)
    return render(
        request,
        "recovery/goal.html",
        {
            "goal": entry,
            "steps": steps,
            "done": done,
            "percent": round(100 * done / len(steps)) if steps else 0,
            "step_form": step_form,
            "today": selectors.local_today(user=request.user),
        },
        status=400 if step_form.errors else 200,
    )
