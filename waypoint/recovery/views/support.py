"""For the hard moments: "I'm struggling", the breathing exercise, and the recovery
strengths check (BARC-10, the screening app's instrument) with its trend."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.core import charts
from waypoint.core.helplines import helplines_for
from waypoint.recovery import display, selectors, services
from waypoint.recovery.models import RecoveryProfile
from waypoint.recovery.views.common import language, personal, profile_of, with_profile

# In the BARC-10 study, 47 or more went with sustained remission: drawn as a reference line.
BARC_MARK = 47


@personal
@require_http_methods(["GET", "POST"])
def struggling(request: HttpRequest) -> HttpResponse:
    """POST (the button) records the moment, then shows the page; GET only shows it, so
    the page can also be opened from a link or, later, offline."""
    if request.method == "POST":
        services.struggling_record(user=request.user)
        return redirect("recovery:struggling")
    plan = selectors.plan_current(user=request.user)
    sections = display.plan_sections(plan)
    helplines = helplines_for(language())
    return render(
        request,
        "recovery/struggling.html",
        {
            "sections": sections,
            "has_plan": not plan.is_empty(),
            "reasons": plan.reasons,
            "people": display.person_links(selectors.support_people(user=request.user)),
            "crisis_steps": plan.crisis_steps,
            "crisis_line": helplines.crisis,
            "text_lines": [line for line in helplines.lines if line.role == "text"],
            "referral_line": helplines.treatment_referral,
            "has_profile": profile_of(request) is not None,
        },
    )


@require_GET
def breathe(request: HttpRequest) -> HttpResponse:
    """Five minutes of slow breathing and urge surfing: text and CSS work alone (and
    offline once loaded); a small script adds a countdown."""
    return render(request, "recovery/breathe.html")


def _barc_questions(instrument: Any, lang: str, answers: dict[str, str], missing: set[str]) -> list[dict[str, Any]]:
    def local(text: dict[str, str]) -> str:
        return text.get(lang) or text.get("en") or ""

    return [
        {
            "number": number,
            "key": item.key,
            "text": local(item.text),
            "missing": item.key in missing,
            "options": [
                {
                    "value": option.value,
                    "label": local(option.label),
                    "id": f"barc-{item.key}-{option.value}",
                    "checked": answers.get(item.key) == str(option.value),
                }
                for option in item.options
            ],
        }
        for number, item in enumerate(instrument.items, start=1)
    ]


@personal
@require_http_methods(["GET", "POST"])
@with_profile
def barc(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    from waypoint.screening.selectors import instrument_get

    instrument = instrument_get(instrument_id=selectors.BARC_ID)
    lang = language()
    answers: dict[str, str] = {}
    missing: set[str] = set()
    if request.method == "POST":
        answers = {key: str(request.POST[key]) for key in instrument.keys if request.POST.get(key)}
        missing = {key for key in instrument.keys if key not in answers}
        if not missing:
            try:
                saved = services.barc_save(user=request.user, answers=answers)
            except ValueError:
                missing = set(instrument.keys)
            else:
                messages.success(request, _("Saved. Your total is %(total)s out of 60.") % {"total": saved.total})
                return redirect("recovery:barc")
    results = selectors.barc_results(user=request.user)
    tz = selectors.zone(profile.time_zone)
    rows = [(r.created_at.astimezone(tz).date(), r.total) for r in results if r.total is not None]
    chart = charts.line_chart(rows, low=10, high=60, marker=BARC_MARK) if len(rows) >= 2 else None
    due = selectors.barc_due_on(user=request.user)
    return render(
        request,
        "recovery/barc.html",
        {
            "title": (instrument.title.get(lang) or instrument.title["en"]),
            "intro": (instrument.intro.get(lang) or instrument.intro["en"]),
            "source": (instrument.source.get(lang) or instrument.source.get("en", "")),
            "questions": _barc_questions(instrument, lang, answers, missing),
            "missing": bool(missing),
            "rows": rows,
            "chart": chart,
            "mark": BARC_MARK,
            "due": due,
            "today": selectors.today_in(profile),
        },
        status=400 if missing else 200,
    )
