"""The daily check-in form (today, or yesterday filled in late) and the check-in history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.recovery import forms, selectors, services
from waypoint.recovery.models import Lapse, RecoveryProfile
from waypoint.recovery.views.common import personal, profile_of, with_profile
from waypoint.recovery.views.today import add_service_errors


def _form(request: HttpRequest, profile: RecoveryProfile, *, day: dt.date, yesterday: bool) -> forms.CheckinForm:
    plan = selectors.plan_current(user=request.user)
    triggers = [(t.id, t.name) for t in plan.triggers]
    options: dict[str, Any] = {"triggers": triggers, "has_medication": profile.has_medication, "yesterday": yesterday}
    if request.method == "POST":
        return forms.CheckinForm(request.POST, **options)
    checkin = selectors.checkin_on(user=request.user, day=day)
    used = day in selectors.lapse_dates(user=request.user)
    return forms.CheckinForm(initial=forms.checkin_initial(checkin, day=day, used_recorded=used), **options)


def _checkin_page(request: HttpRequest, profile: RecoveryProfile, *, yesterday: bool) -> HttpResponse:
    today = selectors.today_in(profile)
    day = today - dt.timedelta(days=1) if yesterday else today
    form = _form(request, profile, day=day, yesterday=yesterday)
    if request.method == "POST" and form.is_valid():
        # The day the form was drawn for: a check-in started at 23:59 belongs to that day.
        posted_day = form.cleaned_data["day"]
        try:
            checkin, _created = services.checkin_record(
                user=request.user,
                client_id=form.cleaned_data["client_id"],
                day=posted_day,
                answers=services.CheckinAnswers(**form.answers()),
                profile=profile,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if checkin.used:
                lapse = (
                    Lapse.objects.filter(user_id=checkin.user_id, date__lte=checkin.date, end_date__gte=checkin.date)
                    .order_by("-id")
                    .first()
                )
                if lapse is not None:
                    return redirect("recovery:lapse", lapse_id=lapse.pk)
            messages.success(request, _("Saved. Thank you for checking in."))
            return redirect("recovery:today")
    existing = selectors.checkin_on(user=request.user, day=day)
    context = {"form": form, "day": day, "yesterday": yesterday, "existing": existing, "profile": profile}
    return render(request, "recovery/checkin.html", context, status=400 if form.errors else 200)


@personal
@require_http_methods(["GET", "POST"])
@with_profile
def checkin(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    return _checkin_page(request, profile, yesterday=False)


@personal
@require_http_methods(["GET", "POST"])
@with_profile
def checkin_yesterday(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    return _checkin_page(request, profile, yesterday=True)


@personal
@require_GET
@with_profile
def checkins(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    """Past check-ins, 30 a page, newest first (notes are shown only on each day's page)."""
    rows = selectors.checkins_between(user=request.user)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    used = set(selectors.lapse_dates(user=request.user))
    return render(request, "recovery/checkins.html", {"page": page, "used": used, "today": selectors.today_in(profile)})


@personal
@require_GET
def checkin_detail(request: HttpRequest, checkin_id: int) -> HttpResponse:
    # The chokepoint first: someone else's check-in is a 404, whatever else is true.
    entry = selectors.checkin_for_owner(user=request.user, checkin_id=checkin_id)
    profile = profile_of(request)
    names = selectors.trigger_names(user=request.user, ids=set(entry.trigger_ids)) if entry.trigger_ids else {}
    earliest, today = services.checkin_window(today=selectors.today_in(profile))
    return render(
        request,
        "recovery/checkin_detail.html",
        {
            "entry": entry,
            "triggers": [names[i] for i in entry.trigger_ids if i in names],
            "used": entry.date in set(selectors.lapse_dates(user=request.user)),
            "editable": earliest <= entry.date <= today,
            "is_today": entry.date == today,
        },
    )
