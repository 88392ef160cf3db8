"""The insights pages: patterns and the early warning, the weekly summary, and the
person's choices. Each page shows the signed-in person's own data only (no ids in URLs),
works without JavaScript and is never cached (Cache-Control: no-store)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from waypoint.insights import display, selectors, services, sources
from waypoint.insights.analysis import RULES
from waypoint.insights.forms import PreferenceForm


def _preference_form(request: HttpRequest, back: str) -> PreferenceForm:
    preference = selectors.preference_for(user=request.user)
    return PreferenceForm(
        initial={
            "weekly_summary": bool(preference and preference.weekly_summary),
            "warning_push": bool(preference and preference.warning_push),
            "back": back,
        }
    )


@never_cache  # no-store: a shared computer must not keep these pages
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    current, checkins = services.insights_current(user=request.user)
    warning = display.warning_view(current.warning) if current and current.warning else None
    return render(
        request,
        "insights/index.html",
        {
            "current": current,
            "checkins": checkins,
            "needed": RULES.min_checkins,
            "to_go": max(0, RULES.min_checkins - checkins),
            "texts": display.insight_texts(current.findings) if current else [],
            "warning": warning,
            "prompt": {"struggling_url": sources.struggling_url()},
            "journal_sharing_url": sources.journal_sharing_url(),
            "form": _preference_form(request, "index"),
        },
    )


@never_cache  # no-store: a shared computer must not keep these pages
@require_GET
def week(request: HttpRequest) -> HttpResponse:
    try:
        weeks_ago = int(request.GET.get("weeks_ago", "0"))
    except ValueError:
        weeks_ago = 0
    summary = selectors.week_summary(user=request.user, weeks_ago=weeks_ago)
    current, _count = services.insights_current(user=request.user)
    return render(
        request,
        "insights/week.html",
        {
            "summary": summary,
            "craving_chart": display.trend_chart(summary.trend, which="craving"),
            "mood_chart": display.trend_chart(summary.trend, which="mood"),
            "texts": display.insight_texts(current.findings) if current else [],
            "earlier": summary.weeks_ago + 1 if summary.weeks_ago < selectors.MAX_WEEKS_BACK else None,
            "later": summary.weeks_ago - 1 if summary.weeks_ago > 0 else None,
            "form": _preference_form(request, "week"),
        },
    )


@never_cache  # no-store: a shared computer must not keep these pages
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    back = "insights:index"
    if form.is_valid():
        # Each page asks one choice: the other stays as it was.
        on_week = form.cleaned_data.get("back") == "week"
        services.insight_preference_update(
            user=request.user,
            language=get_language() or "en",
            weekly_summary=form.cleaned_data["weekly_summary"] if on_week else None,
            warning_push=None if on_week else form.cleaned_data["warning_push"],
        )
        if on_week:
            back = "insights:week"
        messages.success(request, _("Saved."))
    return redirect(back)
