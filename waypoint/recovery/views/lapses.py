"""Lapses: recorded honestly, answered with what is still there ("you still have N days
of recovery — what can we learn?"), never with a reset."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.recovery import forms, selectors, services
from waypoint.recovery.models import RecoveryProfile
from waypoint.recovery.views.common import personal, profile_of, with_profile
from waypoint.recovery.views.today import add_service_errors


@personal
@require_GET
@with_profile
def lapses(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    status = selectors.recovery_status(user=request.user, profile=profile)
    return render(request, "recovery/lapses.html", {"lapses": selectors.lapses(user=request.user), "status": status})


@personal
@require_http_methods(["GET", "POST"])
@with_profile
def lapse_new(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    today = selectors.today_in(profile)
    form = forms.LapseForm(request.POST or None, initial={"first": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lapse = services.lapse_record(
                user=request.user,
                first=data["first"],
                last=data.get("last"),
                reflection=services.Reflection(
                    what_happened=data["what_happened"],
                    what_helped=data["what_helped"],
                    what_to_change=data["what_to_change"],
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("recovery:lapse", lapse_id=lapse.pk)
    return render(request, "recovery/lapse_new.html", {"form": form}, status=400 if form.errors else 200)


@personal
@require_http_methods(["GET", "POST"])
def lapse(request: HttpRequest, lapse_id: int) -> HttpResponse:
    """One lapse: what is still there, safety first, the reflection, and what to update."""
    entry = selectors.lapse_for_owner(user=request.user, lapse_id=lapse_id)
    profile = profile_of(request)
    if profile is None:  # (a lapse needs a profile to be made; only a deleted one is missing)
        return redirect("recovery:start")
    initial = {
        "what_happened": entry.what_happened or "",
        "what_helped": entry.what_helped or "",
        "what_to_change": entry.what_to_change or "",
    }
    form = forms.ReflectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.lapse_reflect(user=request.user, lapse=entry, reflection=services.Reflection(**form.cleaned_data))
        messages.success(request, _("Your reflection is saved. Only you can read it."))
        return redirect("recovery:lapse", lapse_id=entry.pk)
    status = services.recovery_refresh(user=request.user, profile=profile)
    barc_due = selectors.barc_due_on(user=request.user)
    return render(
        request,
        "recovery/lapse.html",
        {
            "lapse": entry,
            "form": form,
            "status": status,
            # Use within the last two days: overdose risk comes first.
            "recent": (status.time.today - entry.end_date).days <= 1,
            "barc_due": barc_due is not None and barc_due <= status.time.today,
        },
    )


@personal
@require_http_methods(["GET", "POST"])
def lapse_delete(request: HttpRequest, lapse_id: int) -> HttpResponse:
    entry = selectors.lapse_for_owner(user=request.user, lapse_id=lapse_id)
    if request.method == "POST":
        services.lapse_delete(user=request.user, lapse=entry)
        messages.success(request, _("The lapse is deleted. Those days count again."))
        return redirect("recovery:lapses")
    return render(request, "recovery/lapse_delete.html", {"lapse": entry})
