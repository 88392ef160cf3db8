"""The reminder settings page (works without JavaScript; a small script adds this
device's notifications), the device endpoints that script calls, "send me a test", and
snoozing a reminder. Every page is the person's own and sent with no-store."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from waypoint.reminders import schedule, selectors, services, sources, vapid
from waypoint.reminders.forms import SettingsForm, SnoozeForm, initial_for
from waypoint.reminders.models import Kind

MAX_SUBSCRIPTION_BYTES = 4096


def _language() -> str:
    return translation.get_language() or "en"


def _dose_times(profile: Any) -> list[str]:
    return list(profile.dose_times or []) if profile is not None and profile.has_medication else []


@never_cache
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    preference = selectors.settings_for(user=user)
    profile = sources.profile(user=user)
    form = SettingsForm(request.POST or None, initial=initial_for(preference))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reminder_settings_save(
                user=user,
                channel=data["channel"],
                wording=data["wording"],
                email=data.get("email"),
                quiet_start=data.get("quiet_start"),
                quiet_end=data.get("quiet_end"),
                language=_language(),
                origin=request.build_absolute_uri("/").rstrip("/"),
                **form.choices(),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Saved. Your reminders are set."))
            return redirect("reminders:settings")
    zone = schedule.zone_of(getattr(profile, "time_zone", ""), timezone.get_default_timezone_name())
    with timezone.override(zone):
        context = {
            "form": form,
            "preference": preference,
            "profile": profile,
            "dose_times": _dose_times(profile),
            "reminders": [r for r in selectors.reminders_of(user=user) if r.next_send_at is not None],
            "devices": selectors.subscriptions_of(user=user),
            "can_reach": selectors.can_reach(user=user),
            "vapid_key": vapid.vapid_keys().public_key,
            "kinds": dict(Kind.choices),
        }
        return render(request, "reminders/settings.html", context, status=400 if form.errors else 200)


def _json_body(request: HttpRequest) -> dict[str, Any] | None:
    if len(request.body) > MAX_SUBSCRIPTION_BYTES:
        return None
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


@never_cache
@require_POST
def device_subscribe(request: HttpRequest) -> JsonResponse:
    """Called by push.js with the browser's PushSubscription (JSON, with the CSRF token)."""
    body = _json_body(request)
    keys = body.get("keys") if body else None
    if body is None or not isinstance(keys, dict):
        return JsonResponse({"error": _("This browser sent something Waypoint cannot use.")}, status=400)
    try:
        services.push_subscription_save(
            user=request.user,
            endpoint=str(body.get("endpoint", "")),
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
        )
    except ValidationError as error:
        return JsonResponse({"error": next(iter(error.messages), "")}, status=400)
    return JsonResponse({"ok": True}, status=201)


@never_cache
@require_POST
def device_unsubscribe(request: HttpRequest) -> JsonResponse:
    body = _json_body(request) or {}
    removed = services.push_unsubscribe(user=request.user, endpoint=str(body.get("endpoint", "")))
    return JsonResponse({"removed": removed})


@never_cache
@require_http_methods(["GET", "POST"])
def device_remove(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """The no-script way to stop notifications on one device (the button on the settings
    page posts here; a GET only leads back to that page)."""
    subscription = selectors.subscription_for_owner(user=request.user, subscription_id=subscription_id)
    if request.method != "POST":
        return redirect("reminders:settings")
    services.push_subscription_delete(user=request.user, subscription=subscription)
    messages.success(request, _("That device will get no more notifications."))
    return redirect("reminders:settings")


@never_cache
@require_POST
def test_send(request: HttpRequest) -> HttpResponse:
    if services.reminder_test_send(user=request.user):
        messages.success(request, _("A test is on its way. It can take a minute to arrive."))
    else:
        messages.error(
            request, _("Nothing can reach you yet: turn on notifications on this device, or add an e-mail address.")
        )
    return redirect("reminders:settings")


@never_cache
@require_http_methods(["GET", "POST"])
def snooze(request: HttpRequest, reminder_id: int) -> HttpResponse:
    """Opened from a notification's "Remind me later": one tap to be reminded again."""
    reminder = selectors.reminder_for_owner(user=request.user, reminder_id=reminder_id)
    form = SnoozeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.reminder_snooze(user=request.user, reminder=reminder, minutes=form.cleaned_data["minutes"]):
            messages.success(request, _("Okay. We will remind you again."))
            return redirect("reminders:settings")
        form.add_error(None, _("That reminder is being sent right now. Try again in a minute."))
    return render(request, "reminders/snooze.html", {"form": form, "reminder": reminder, "kinds": dict(Kind.choices)})
