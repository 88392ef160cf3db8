"""Self-check pages. Answers travel only in POST bodies; results are rendered straight
from the POST (never redirected through a URL) and sent with Cache-Control: no-store.
Nothing is stored unless a signed-in person presses "Save"."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.screening import fhir, forms, selectors, services
from waypoint.screening.engine import (
    AnswerError,
    Instrument,
    Result,
    get_instrument,
    instruments,
    localise,
    score,
    trend,
)
from waypoint.screening.pdf import result_pdf


def _language() -> str:
    return translation.get_language() or "en"


def _instrument(instrument_id: str) -> Instrument:
    instrument = get_instrument(instrument_id)
    if instrument is None:
        raise Http404
    return instrument


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    language = _language()
    checks = [
        {"id": i.id, "title": localise(i.title, language), "intro": localise(i.intro, language), "audience": i.audience}
        for i in instruments().values()
    ]
    return render(request, "screening/index.html", {"checks": checks})


def _form_page(
    request: HttpRequest,
    instrument: Instrument,
    *,
    answers: dict[str, Any],
    error: AnswerError | None,
    history: list[int],
) -> HttpResponse:
    language = _language()
    context = {
        "instrument": instrument,
        "title": localise(instrument.title, language),
        "intro": localise(instrument.intro, language),
        "window": localise(instrument.window, language),
        "source": localise(instrument.source, language),
        "questions": forms.questions(
            instrument, language=language, answers=answers, errors=forms.friendly_errors(error)
        ),
        "has_errors": error is not None,
        "history": ",".join(str(total) for total in history),
    }
    return render(request, "screening/instrument.html", context, status=400 if error else 200)


def _result_context(
    request: HttpRequest, result: Result, *, history: list[int], just_saved: bool = False
) -> dict[str, Any]:
    language = _language()
    instrument = result.instrument
    earlier = history
    if not earlier and instrument.show_trend:
        # A signed-in person's trend comes from what they chose to save.
        saved = [row.total for row in selectors.results_for_user(user=request.user, instrument_id=instrument.id)]
        earlier = [total for total in saved if total is not None]
        if just_saved:
            earlier = earlier[:-1]
    links = []
    if instrument.id in {"oud-self-check", "cows", "sows-gossop"}:
        links = [
            # Sent to the locator by a form (directory/_find_places.html): no codes in a URL.
            {"label": _("Places that offer buprenorphine"), "services": ["BU"]},
            {"label": _("Opioid treatment programs (methadone)"), "services": ["MU", "OTP"]},
        ]
    return {
        "instrument": instrument,
        "result": result,
        "title": localise(instrument.title, language),
        "window": localise(instrument.window, language),
        "source": localise(instrument.source, language),
        "licence": localise(instrument.licence, language),
        "band_label": localise(result.band.label, language) if result.band else "",
        "band_meaning": localise(result.band.meaning, language) if result.band else "",
        "notes": [localise(note.meaning, language) for note in result.notes],
        "exclusion_reasons": [localise(reason, language) for reason in result.exclusion_reasons],
        "steps": [localise(step, language) for step in result.steps],
        "rows": forms.answer_rows(result, language=language),
        "history": earlier,
        "history_value": ",".join(str(total) for total in [*earlier, result.total] if total is not None),
        "trend": trend(earlier, result.total) if instrument.show_trend else None,
        "crisis_suicide": "suicide" in result.crisis_kinds,
        "crisis_overdose": "overdose" in result.crisis_kinds,
        "locator_links": links,
    }


def _posted_history(request: HttpRequest, instrument: Instrument) -> list[int]:
    """Earlier totals from the hidden field; a tampered field is dropped with a message
    (the person still gets their result), never a server error."""
    try:
        return forms.posted_history(instrument, request.POST)
    except forms.TamperedHistory:
        messages.warning(request, _("We could not read your earlier scores, so this page leaves them out."))
        return []


@never_cache
@require_http_methods(["GET", "POST"])
def instrument_page(request: HttpRequest, instrument_id: str) -> HttpResponse:
    instrument = _instrument(instrument_id)
    history = _posted_history(request, instrument) if request.method == "POST" else []
    if request.method == "GET" or request.POST.get("start"):
        return _form_page(request, instrument, answers={}, error=None, history=history)
    answers = forms.posted_answers(instrument, request.POST)
    try:
        result = score(instrument, answers)
    except AnswerError as error:
        return _form_page(request, instrument, answers=answers, error=error, history=history)
    return render(request, "screening/result.html", _result_context(request, result, history=history))


def _posted_result(request: HttpRequest, instrument_id: str) -> Result:
    instrument = _instrument(instrument_id)
    try:
        return score(instrument, forms.posted_answers(instrument, request.POST))
    except AnswerError as error:
        # Downloads come from our own result page; incomplete answers mean a tampered form.
        raise Http404 from error


@never_cache
@require_POST
def summary(request: HttpRequest, instrument_id: str) -> HttpResponse:
    result = _posted_result(request, instrument_id)
    context = _result_context(request, result, history=_posted_history(request, result.instrument))
    return render(request, "screening/summary.html", context)


@never_cache
@require_POST
def download_pdf(request: HttpRequest, instrument_id: str) -> HttpResponse:
    result = _posted_result(request, instrument_id)
    response = HttpResponse(result_pdf(result, language=_language()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="waypoint-{result.instrument.id}.pdf"'
    return response


@never_cache
@require_POST
def download_fhir(request: HttpRequest, instrument_id: str) -> HttpResponse:
    result = _posted_result(request, instrument_id)
    body = json.dumps(fhir.bundle(result, language=_language()), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="waypoint-{result.instrument.id}-fhir.json"'
    return response


@never_cache
@require_POST
def save(request: HttpRequest, instrument_id: str) -> HttpResponse:
    result = _posted_result(request, instrument_id)
    if request.user.is_authenticated:
        services.result_save(user=request.user, instrument_id=result.instrument.id, answers=result.answers)
        messages.success(request, _("Saved to your account. You can export or delete it any time from My data."))
    else:
        messages.info(request, _("Sign in to save a result. Nothing was saved."))
    context = _result_context(request, result, history=[], just_saved=request.user.is_authenticated)
    return render(request, "screening/result.html", context)
