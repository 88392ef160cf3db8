"""Writes of the reminders app, and ``notify_send`` — the one way other apps (groups,
insights) send a person a notification.

Every function is keyword-only; those that write validate first and run in one transaction.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.reminders import push, schedule, selectors, sources, texts
from waypoint.reminders.models import Channel, Kind, Notice, PushSubscription, Reminder, ReminderSettings, Wording

NOTICE_LIFE = dt.timedelta(hours=12)
TEST_LIFE = dt.timedelta(hours=1)
SNOOZE_MINUTES = (15, 60, 180)
APPOINTMENT_LEADS = (30, 60, 120, 24 * 60)
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _deliver_soon() -> None:
    """Asks the consumer to send waiting notices now rather than at the next minute."""
    from waypoint.reminders.tasks import notices_send

    notices_send()


# --- Settings and the schedule -------------------------------------------------------------------


def reminder_settings_save(
    *,
    user: Any,
    channel: str,
    wording: str,
    email: str | None,
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
    language: str,
    origin: str = "",
    checkin_at: dt.time | None = None,
    doses_on: bool = False,
    appointment_lead_minutes: int | None = None,
    barc_at: dt.time | None = None,
    goals_at: dt.time | None = None,
) -> ReminderSettings:
    """Saves how and when the person wants to be reminded, then rebuilds their schedule."""
    if channel not in Channel.values:
        raise _error("channel", _("Choose from the list."))
    if wording not in Wording.values:
        raise _error("wording", _("Choose from the list."))
    email = (email or "").strip() or None
    if email is not None:
        try:
            validate_email(email)
        except ValidationError:
            raise _error("email", _("Enter an e-mail address like name@example.com.")) from None
    if channel in (Channel.EMAIL, Channel.BOTH) and email is None:
        raise _error("email", _("Enter the e-mail address reminders should go to."))
    if (quiet_start is None) != (quiet_end is None):
        raise _error("quiet_end", _("Give both times for quiet hours, or neither."))
    if appointment_lead_minutes is not None and appointment_lead_minutes not in APPOINTMENT_LEADS:
        raise _error("appointment_lead_minutes", _("Choose from the list."))
    with transaction.atomic():
        preference = ReminderSettings.objects.select_for_update().filter(user_id=user.pk).first()
        preference = preference or ReminderSettings(user=user)
        preference.channel = channel
        preference.wording = wording
        preference.email = email
        preference.quiet_start, preference.quiet_end = quiet_start, quiet_end
        preference.language = language if language in LANGUAGES else settings.LANGUAGE_CODE
        preference.origin = origin[:200]
        preference.checkin_at = checkin_at
        preference.doses_on = bool(doses_on)
        preference.appointment_lead_minutes = appointment_lead_minutes
        preference.barc_at = barc_at
        preference.goals_at = goals_at
        preference.full_clean(exclude=["user", "email"])
        preference.save()
        reminders_sync(user=user, reschedule=True)
    return preference


def _wanted(preference: ReminderSettings | None, profile: Any) -> dict[tuple[str, dt.time | None], int | None]:
    """The reminders the person's choices and profile call for: (kind, local time) → lead."""
    if preference is None or profile is None:
        return {}
    wanted: dict[tuple[str, dt.time | None], int | None] = {}
    if preference.checkin_at:
        wanted[(Kind.CHECKIN, preference.checkin_at)] = None
    if preference.doses_on and profile.has_medication:
        for text in profile.dose_times or []:
            hour, minute = (int(part) for part in str(text).split(":"))
            wanted[(Kind.DOSE, dt.time(hour, minute))] = None
    if preference.appointment_lead_minutes:
        wanted[(Kind.APPOINTMENT, None)] = preference.appointment_lead_minutes
    if preference.barc_at:
        wanted[(Kind.BARC, preference.barc_at)] = None
    if preference.goals_at:
        wanted[(Kind.GOALS, preference.goals_at)] = None
    return wanted


def _schedule(row: Reminder, preference: ReminderSettings, zone_name: str, now: dt.datetime) -> None:
    zone = schedule.zone_of(zone_name, settings.TIME_ZONE)
    row.time_zone = zone_name
    row.snoozed = False
    row.attempts = 0
    row.pending_targets = []
    if row.kind == Kind.APPOINTMENT:
        row.occurrence = None
        row.next_send_at = now  # looked at straight away: the next wake is worked out then
        return
    if row.local_time is None:
        row.occurrence = row.next_send_at = None
        return
    after = max(now, row.last_occurrence) if row.last_occurrence else now
    row.occurrence = schedule.next_daily(row.local_time, zone, after=after)
    row.next_send_at = schedule.after_quiet_hours(row.occurrence, zone, preference.quiet_start, preference.quiet_end)


def reminders_sync(*, user: Any, reschedule: bool = False, now: dt.datetime | None = None) -> list[Reminder]:
    """Makes the person's reminder rows match their choices and their recovery profile (a
    dose time added or removed, a new time zone), scheduling each from now. With
    `reschedule`, every row is scheduled again (after the choices changed). A row a
    consumer is sending right now is left to it. Recovery may call this after a profile
    change; otherwise a changed zone is noticed when a reminder is next due."""
    now = now or timezone.now()
    preference = selectors.settings_for(user=user)
    profile = sources.profile(user=user)
    wanted = _wanted(preference, profile)
    zone_name = str(getattr(profile, "time_zone", "") or settings.TIME_ZONE)
    if preference is None:
        Reminder.objects.filter(user_id=user.pk).delete()
        return []
    with transaction.atomic():
        rows = list(Reminder.objects.select_for_update().filter(user_id=user.pk))
        kept = []
        for row in rows:
            key = (row.kind, None if row.kind == Kind.APPOINTMENT else row.local_time)
            if key not in wanted:
                row.delete()
                continue
            lead = wanted.pop(key)
            changed = reschedule or row.time_zone != zone_name or row.next_send_at is None or row.lead_minutes != lead
            if changed and row.claim is None:
                row.lead_minutes = lead
                _schedule(row, preference, zone_name, now)
                row.save()
            kept.append(row)
        for (kind, local_time), lead in wanted.items():
            row = Reminder(user=user, kind=kind, local_time=local_time, lead_minutes=lead)
            _schedule(row, preference, zone_name, now)
            row.save()
            kept.append(row)
    return kept


def reminders_resync_all(*, batch: int = 500) -> int:
    """Brings everyone's schedule in line with their recovery profile (a dose time added,
    a new time zone) — run hourly, so a change made on the profile page reaches the
    reminders without the person opening their reminder settings. Writes only what changed."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(reminder_settings__isnull=False, is_active=True).order_by("pk")
    count = 0
    for user in users.iterator(chunk_size=batch):
        reminders_sync(user=user)
        count += 1
    return count


def reminder_snooze(*, user: Any, reminder: Reminder, minutes: int) -> bool:
    """Reminds the person again in `minutes`; then the regular schedule goes on. False when
    a consumer is sending that reminder at this very moment (try again)."""
    if reminder.user_id != user.pk:
        raise ValueError("reminder_snooze changes the person's own reminders only.")
    if minutes not in SNOOZE_MINUTES:
        raise _error("minutes", _("Choose from the list."))
    with transaction.atomic():
        updated = Reminder.objects.filter(pk=reminder.pk, user_id=user.pk, claim__isnull=True).update(
            snoozed=True, next_send_at=timezone.now() + dt.timedelta(minutes=minutes)
        )
    return bool(updated)


# --- Devices (Web Push subscriptions) -------------------------------------------------------------


def _b64url_bytes(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return b""


def push_subscription_save(*, user: Any, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keeps a browser's subscription (the Push API's endpoint and keys) for the person. A
    browser subscribed before by someone else now belongs to this person."""
    endpoint = (endpoint or "").strip()
    if len(endpoint) > 2000 or not push.allowed_endpoint(endpoint):
        raise _error("endpoint", _("This browser's notification service is not one Waypoint can send to."))
    key = _b64url_bytes(p256dh or "")
    secret = _b64url_bytes(auth or "")
    if len(key) != 65 or key[0] != 4 or len(secret) != 16:
        raise _error("keys", _("This browser sent keys Waypoint cannot use."))
    digest = hashlib.sha256(endpoint.encode()).hexdigest()
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint_hash=digest, defaults={"user": user, "endpoint": endpoint, "p256dh": p256dh, "auth": auth}
        )
        if not ReminderSettings.objects.filter(user_id=user.pk).exists():
            ReminderSettings.objects.create(user=user)
    return subscription


def push_subscription_delete(*, user: Any, subscription: PushSubscription) -> None:
    if subscription.user_id != user.pk:
        raise ValueError("push_subscription_delete removes the person's own devices only.")
    PushSubscription.objects.filter(pk=subscription.pk, user_id=user.pk).delete()


def push_unsubscribe(*, user: Any, endpoint: str) -> int:
    """Forgets this browser (the person turned notifications off on it)."""
    digest = hashlib.sha256((endpoint or "").strip().encode()).hexdigest()
    deleted, _ = PushSubscription.objects.filter(user_id=user.pk, endpoint_hash=digest).delete()
    return int(deleted)


# --- Notifications from other apps, and the test --------------------------------------------------


def notify_send(*, user: Any, kind: str, discreet_text: str, plain_text: str, url: str) -> None:
    """Sends the person a notification by the channels they chose (Web Push and/or e-mail),
    in their chosen words — `discreet_text` unless they asked for plain words — once the
    current transaction commits. Nothing is stored when nothing could reach them. Quiet
    hours delay it (it is dropped if still unsent after 12 hours). The texts are stored
    encrypted until sent, then deleted."""
    if not selectors.can_reach(user=user):
        return
    now = timezone.now()
    with transaction.atomic():
        Notice.objects.create(
            user=user,
            kind=str(kind)[:40],
            discreet_text=str(discreet_text),
            plain_text=str(plain_text),
            url=str(url)[:300],
            next_send_at=now,
            expires_at=now + NOTICE_LIFE,
        )
        transaction.on_commit(_deliver_soon)


def reminder_test_send(*, user: Any) -> bool:
    """ "Send me a test": one message now, by every channel the person chose. False when
    nothing would reach them."""
    preference = selectors.settings_for(user=user)
    if preference is None or not selectors.can_reach(user=user):
        return False
    discreet, plain = texts.test_texts(wording=preference.wording, language=preference.language)
    now = timezone.now()
    with transaction.atomic():
        Notice.objects.create(
            user=user,
            kind=texts.TEST,
            discreet_text=discreet,
            plain_text=plain,
            url="/",
            next_send_at=now,
            expires_at=now + TEST_LIFE,
        )
        transaction.on_commit(_deliver_soon)
    return True


# --- My data ----------------------------------------------------------------------------------------


def reminders_export(*, user: Any) -> dict[str, Any]:
    preference = selectors.settings_for(user=user)

    def iso(value: Any) -> Any:
        return value.isoformat() if value is not None else None

    return {
        "settings": None
        if preference is None
        else {
            "channel": preference.channel,
            "wording": preference.wording,
            "email": preference.email,
            "language": preference.language,
            "quiet_hours": [iso(preference.quiet_start), iso(preference.quiet_end)],
            "checkin_at": iso(preference.checkin_at),
            "doses": preference.doses_on,
            "appointment_lead_minutes": preference.appointment_lead_minutes,
            "barc_at": iso(preference.barc_at),
            "goals_at": iso(preference.goals_at),
        },
        "reminders": [
            {"kind": r.kind, "local_time": iso(r.local_time), "next_send_at": iso(r.next_send_at)}
            for r in selectors.reminders_of(user=user)
        ],
        "devices": [{"added": iso(s.created_at)} for s in selectors.subscriptions_of(user=user)],
        "waiting_notifications": [
            {"kind": n.kind, "text": n.discreet_text, "plain_text": n.plain_text, "created_at": iso(n.created_at)}
            for n in Notice.objects.filter(user_id=user.pk).order_by("created_at")
        ],
    }


def reminders_delete(*, user: Any) -> int:
    total = 0
    for model in (Notice, Reminder, PushSubscription, ReminderSettings):
        deleted, _ = model.objects.filter(user_id=user.pk).delete()
        total += int(deleted)
    return total
