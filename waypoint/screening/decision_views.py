"""Decision-aid pages: "your situation" (GET form, POST answers) → suggested kinds of
care with reasons, trade-offs, a medication comparison and "find places that offer
this". Stateless: the advice is rendered from the POST and sent with Cache-Control:
no-store. The way to the locator is a form that posts the services and place (the
locator answers with an opaque results address), never a link: a link would write
"pregnant", "under 18" or a ZIP code into browser history and logs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from waypoint.screening import forms
from waypoint.screening.decision import Advice, care_kinds, decide, situation
from waypoint.screening.engine import AnswerError, get_instrument, localise

# Steps from the overdose-risk check that apply to anyone using today; the ones about lost
# tolerance or a past overdose depend on answers this page does not ask for.
TODAY_STEPS = ("use_alone", "fentanyl", "mixing", "no_naloxone")


def _place(raw: str) -> str:
    """The optional "near" place for the locator: a ZIP code or "City, ST", kept short."""
    cleaned = "".join(ch for ch in raw if ch.isalnum() or ch in " ,.-'")
    return " ".join(cleaned.split())[:60]


def _advice_context(advice: Advice, *, language: str, near: str) -> dict[str, Any]:
    overdose = get_instrument("overdose-risk")
    # The safety plan for today reuses the overdose-risk check's steps, so the advice
    # is the same wherever a person meets it.
    safety_steps = []
    if overdose is not None:
        safety_steps = [
            localise(item.step, language) for item in overdose.items if item.key in TODAY_STEPS and item.step
        ]
        safety_steps += [localise(step, language) for step in overdose.steps_always]
    return {
        "advice": advice,
        "suggestions": [
            {
                "id": s.care.id,
                "name": localise(s.care.name, language),
                "what": localise(s.care.what, language),
                "tradeoffs": localise(s.care.tradeoffs, language),
                "medication": s.care.medication,
                "reasons": [
                    {"text": localise(rule.reason, language), "caution": rule.caution, "source": rule.source}
                    for rule in s.reasons
                ],
                "source": s.care.source,
                "guide": s.care.guide,
                "services": s.services,
            }
            for s in advice.suggestions
        ],
        "filter_reasons": [
            localise(rule.reason, language) for rule in advice.fired if rule.filters and not rule.suggest
        ],
        "comparison": [
            {
                "name": localise(kind.name, language),
                "where": localise(kind.where, language),
                "how_often": localise(kind.how_often, language),
                "mortality": localise(kind.mortality, language),
            }
            for kind in care_kinds()
            if kind.medication
        ],
        "safety_plan": "safety_plan" in advice.shows,
        "lost_tolerance": "lost_tolerance" in advice.shows,
        "safety_steps": safety_steps,
        "near": near,
        "fired": [{"id": rule.id, "reason": localise(rule.reason, language)} for rule in advice.fired],
    }


@never_cache
@require_http_methods(["GET", "POST"])
def situation_page(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "en"
    definition = situation()
    answers: dict[str, Any] = {}
    error: AnswerError | None = None
    near = _place(request.POST.get("near", ""))
    if request.method == "POST":
        answers = forms.posted_answers(definition, request.POST)
        try:
            advice = decide(answers)
        except AnswerError as exc:
            error = exc
        else:
            return render(request, "screening/advice.html", _advice_context(advice, language=language, near=near))
    context = {
        "title": localise(definition.title, language),
        "intro": localise(definition.intro, language),
        "questions": forms.questions(
            definition, language=language, answers=answers, errors=forms.friendly_errors(error)
        ),
        "has_errors": error is not None,
        "near": near,
    }
    return render(request, "screening/situation.html", context, status=400 if error else 200)
