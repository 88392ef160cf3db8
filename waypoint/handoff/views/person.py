"""The person's side: start (from a self-check result or a facility page), choose the place,
choose what to send, read the consent page, send; then the private status page (the token
is the capability) or, signed in, their own list; and taking a request back.

Everything works without JavaScript and is sent with Cache-Control: no-store. Until "Send",
nothing is stored but the hour-long draft (drafts.py); the self-check's answers come by POST.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts.clientaddr import client_ip
from waypoint.availability import selectors as staff_selectors
from waypoint.core.places import PlaceError, resolve_place
from waypoint.directory.models import Facility
from waypoint.screening.selectors import result_summary

from .. import display, drafts, selectors, services
from ..forms import DetailsForm, PlaceForm
from ..limits import SendRefused
from ..models import HandoffRequest

# Self-check answers arrive with other fields (the CSRF token, "history", buttons): only
# short values are read, and only the instrument's own keys are used.
MAX_ANSWER_FIELDS = 80


def _facility_or_none(facility_id: Any) -> Facility | None:
    """A facility that takes requests, from a posted or drafted id; None otherwise."""
    try:
        pk = int(facility_id)
    except (TypeError, ValueError):
        return None
    if not staff_selectors.facility_takes_handoffs(facility_id=pk):
        return None
    return Facility.objects.filter(pk=pk).first()


def _ended(request: HttpRequest) -> HttpResponse:
    return render(request, "handoff/ended.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """GET: what this is. POST (from a result page, a facility page, or here): a new draft."""
    if request.method == "GET":
        context = {
            "any_place": staff_selectors.any_facility_takes_handoffs(),
            "expiry_days": settings.HANDOFF_EXPIRY_DAYS,
        }
        return render(request, "handoff/start.html", context)
    summary, title = "", ""
    instrument = str(request.POST.get("instrument", ""))[:40]
    if instrument:
        answers = {key: str(value)[:20] for key, value in list(request.POST.items())[:MAX_ANSWER_FIELDS]}
        result = result_summary(instrument_id=instrument, answers=answers, language=get_language() or "en")
        if result is None:
            context = {"unreadable": True, "expiry_days": settings.HANDOFF_EXPIRY_DAYS}
            return render(request, "handoff/start.html", context, status=400)
        summary, title = drafts.summary_text(result), str(result["title"])
    facility = _facility_or_none(request.POST.get("facility"))
    draft = drafts.new_draft(facility_id=facility.pk if facility else None, summary=summary, summary_title=title)
    return drafts.draft_redirect(request, draft)


def _choose_page(request: HttpRequest, form: PlaceForm, *, status: int = 200) -> HttpResponse:
    place = None
    if form.is_bound and form.is_valid() and form.cleaned_data["near"].strip():
        try:
            place = resolve_place(form.cleaned_data["near"])
        except PlaceError as exc:
            form.add_error("near", exc.message)
            status = 400
    nearby = staff_selectors.handoff_facilities(
        latitude=place.latitude if place else None, longitude=place.longitude if place else None
    )
    context = {"form": form, "places": nearby, "place_label": place.label if place else ""}
    return render(request, "handoff/choose.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, key: str) -> HttpResponse:
    """Step 1 (choose the place, when the draft has none) and step 2 (what to send)."""
    data = drafts.draft_get(request, key)
    if data is None:
        return _ended(request)
    facility = _facility_or_none(data.get("facility_id"))
    if facility is None:
        if request.method == "POST" and "facility" in request.POST:
            chosen = _facility_or_none(request.POST.get("facility"))
            if chosen is not None:
                return drafts.draft_redirect(request, {**data, "facility_id": chosen.pk})
        return _choose_page(request, PlaceForm(request.POST if request.method == "POST" else None))
    if request.method == "POST" and request.POST.get("change_place"):
        return drafts.draft_redirect(request, {**data, "facility_id": None})
    initial = data.get("details") or {"call_language": (get_language() or "en")[:2], "include_summary": True}
    if initial.get("call_language") not in {"en", "es", "other"}:
        initial["call_language"] = "other"
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        return drafts.draft_redirect(request, {**data, "details": form.details()}, to="handoff:confirm")
    context = {
        "facility": facility,
        "form": form,
        "summary": data.get("summary", ""),
        "title": data.get("summary_title"),
    }
    return render(request, "handoff/details.html", context, status=400 if form.errors else 200)


def _content(data: dict[str, Any]) -> dict[str, str]:
    """What will be sent, from the draft: exactly the values the consent page lists."""
    details = data["details"]
    return {
        "first_name": details.get("first_name", ""),
        "phone": details.get("phone", ""),
        "call_times": details.get("call_times", ""),
        "call_language": display.stored_language(details.get("call_language", ""), details.get("other_language", "")),
        "voicemail": details.get("voicemail", ""),
        "summary": data.get("summary", "") if details.get("include_summary") else "",
    }


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, key: str) -> HttpResponseBase:
    """Step 3: the consent page names the place, lists exactly what is sent and until when;
    "Send" stores it."""
    data = drafts.draft_get(request, key)
    if data is None:
        return _ended(request)
    facility = _facility_or_none(data.get("facility_id"))
    if facility is None or not data.get("details"):
        return drafts.draft_redirect(request, data)
    sent = drafts.sent_where(data["draft"])
    if sent and sent != drafts.PENDING:
        return redirect(sent)
    content = _content(data)
    status = 200
    if request.method == "POST" and request.POST.get("send"):
        if not drafts.sent_claim(data["draft"]):
            return render(request, "handoff/sending.html", status=409)
        try:
            _handoff, token = services.handoff_send(
                facility_id=facility.pk,
                requester=request.user,
                address=client_ip(request),
                origin=request.build_absolute_uri("/"),
                phone=content["phone"],
                first_name=content["first_name"],
                call_times=content["call_times"],
                call_language=content["call_language"],
                voicemail=content["voicemail"],
                summary=content["summary"],
            )
        except SendRefused as refused:
            drafts.sent_forget(data["draft"])
            response = render(request, "handoff/too_many.html", {"scope": refused.scope}, status=429)
            response["Retry-After"] = str(refused.retry_after)
            return response
        except ValidationError as error:
            drafts.sent_forget(data["draft"])
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            path = reverse("handoff:status", args=[token])
            drafts.sent_record(data["draft"], path)
            messages.success(request, _("Your request is sent."))
            return redirect(path)
    context = {
        "facility": facility,
        "items": display.items(**content),
        "expires": timezone.now() + timedelta(days=settings.HANDOFF_EXPIRY_DAYS),
        "expiry_days": settings.HANDOFF_EXPIRY_DAYS,
        "team_size": len(staff_selectors.notice_recipients(facility_id=facility.pk)) or None,
        "key": key,
    }
    return render(request, "handoff/confirm.html", context, status=status)


def _status_context(request: HttpRequest, handoff: HandoffRequest, *, show_content: bool) -> dict[str, Any]:
    return {
        "handoff": handoff,
        "status_text": display.status_for_person(handoff),
        "kinds": display.kinds_of(handoff),
        "items": display.items_of(handoff) if show_content else [],
        "link": request.build_absolute_uri(request.path),
    }


@never_cache
@require_GET
def status(request: HttpRequest, token: str) -> HttpResponse:
    """The private link's page: the place, the status, when it ends, what kinds of things were
    sent (never their values: anyone who finds the link in a history sees no phone number or
    summary), and a button to take it back."""
    handoff = selectors.handoff_for_requester(token=token)
    context = _status_context(request, handoff, show_content=False)
    context["withdraw_url"] = reverse("handoff:withdraw", args=[token])
    context["private_link"] = True
    return render(request, "handoff/status.html", context)


def _withdraw(request: HttpRequest, handoff: HandoffRequest, back: str) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Nothing was changed."))
        return redirect(back)
    if services.handoff_withdraw(handoff=handoff):
        messages.success(request, _("You took your request back. What you sent is erased."))
    return redirect(back)


@never_cache
def withdraw(request: HttpRequest, token: str) -> HttpResponseBase:
    """POST only; the token is checked first, so a wrong one is a 404 whatever the method."""
    handoff = selectors.handoff_for_requester(token=token)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _withdraw(request, handoff, reverse("handoff:status", args=[token]))


@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    rows = selectors.requests_of(user=request.user)
    return render(request, "handoff/mine.html", {"rows": [(row, display.status_for_person(row)) for row in rows]})


@never_cache
@require_GET
def mine_detail(request: HttpRequest, handoff_id: int) -> HttpResponse:
    """The person's own request, with what they sent (their account: it is theirs to see)."""
    handoff = selectors.handoff_for_requester(user=request.user, handoff_id=handoff_id)
    context = _status_context(request, handoff, show_content=True)
    context["withdraw_url"] = reverse("handoff:mine_withdraw", args=[handoff.pk])
    return render(request, "handoff/status.html", context)


@never_cache
def mine_withdraw(request: HttpRequest, handoff_id: int) -> HttpResponseBase:
    handoff = selectors.handoff_for_requester(user=request.user, handoff_id=handoff_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _withdraw(request, handoff, reverse("handoff:mine_detail", args=[handoff.pk]))
